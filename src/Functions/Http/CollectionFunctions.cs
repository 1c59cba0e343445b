using ManagedImages.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace ManagedImages.Functions.Http;

/// <summary>Garbage collection of an image's old versions on demand, through the shared <see cref="CollectionEndpoints"/>.</summary>
public sealed class CollectionFunctions(CollectionEndpoints collection)
{
    [Function("CollectVersions")]
    public Task<IResult> Collect(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "images/{nickname}/gc")] HttpRequest request,
        string nickname) =>
        collection.CollectAsync(nickname, request);
}
