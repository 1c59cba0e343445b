using ManagedImages.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ManagedImages.Functions.Http;

/// <summary>The plan of an image's next version and what the builds of its versions left, through the shared <see cref="BuildsEndpoints"/>.</summary>
public sealed class BuildsFunctions(BuildsEndpoints builds)
{
    [Function("GetPlan")]
    public Task<IResult> Plan(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "images/{nickname}/plan")] HttpRequest request,
        string nickname) =>
        builds.PlanAsync(nickname, request);

    [Function("GetBuildLog")]
    public Task<IResult> Log(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "images/{nickname}/versions/{version}/log")] HttpRequest request,
        string nickname,
        string version) =>
        builds.LogAsync(nickname, version, request);

    [Function("GetBuildPackages")]
    public Task<IResult> Packages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "images/{nickname}/versions/{version}/packages")] HttpRequest request,
        string nickname,
        string version) =>
        builds.PackagesAsync(nickname, version, request);
}
