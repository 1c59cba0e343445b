using ManagedImages.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Functions.Http;

/// <summary>The /api/images routes: each trigger hands its request to the shared <see cref="ImagesEndpoints"/>.</summary>
public sealed class ImagesFunctions(ImagesEndpoints images)
{
    [Function("ListImages")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "images")] HttpRequest request) =>
        images.ListAsync(request);

    [Function("PutImage")]
    public Task<IResult> Put(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "images/{nickname}")] HttpRequest request,
        string nickname,
        [DurableClient] DurableTaskClient durable) =>
        images.PutAsync(nickname, request, durable);

    [Function("GetImage")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "images/{nickname}")] HttpRequest request,
        string nickname) =>
        images.GetAsync(nickname, request);

    [Function("DeleteImage")]
    public Task<IResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "images/{nickname}")] HttpRequest request,
        string nickname) =>
        images.DeleteAsync(nickname, request);
}
