using ManagedImages.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ManagedImages.Functions.Http;

/// <summary>Version history, pin and rollback of an image, through the shared <see cref="VersionsEndpoints"/>.</summary>
public sealed class VersionsFunctions(VersionsEndpoints versions)
{
    [Function("ListVersions")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "images/{nickname}/versions")] HttpRequest request,
        string nickname) =>
        versions.ListAsync(nickname, request);

    [Function("PinVersion")]
    public Task<IResult> Pin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "images/{nickname}/pin")] HttpRequest request,
        string nickname) =>
        versions.PinAsync(nickname, request);

    [Function("UnpinVersion")]
    public Task<IResult> Unpin(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "images/{nickname}/pin")] HttpRequest request,
        string nickname) =>
        versions.UnpinAsync(nickname, request);

    [Function("RollBackVersion")]
    public Task<IResult> RollBack(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "images/{nickname}/rollback")] HttpRequest request,
        string nickname) =>
        versions.RollBackAsync(nickname, request);
}
