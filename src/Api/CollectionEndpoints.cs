using ManagedImages.Versions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Api;

/// <summary>
/// POST /api/images/{nickname}/gc: garbage collection on demand (an admin operation). Keeps the newest
/// Versions:Keep versions, the current and pinned ones and those runs in progress use; deletes the others' manifests
/// and records. The answer says which versions were deleted, which kept and why, and which could not be deleted.
/// </summary>
public sealed class CollectionEndpoints(VersionCollector collector, ILogger<CollectionEndpoints> logger)
{
    public Task<IResult> CollectAsync(string nickname, HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            if (ImagesEndpoints.NicknameProblem(nickname) is { } invalid) return invalid;
            var result = await collector.CollectAsync(nickname, cancellationToken);
            return result is null ? Problems.ImageNotFound(nickname) : new ApiResponse(StatusCodes.Status200OK, result);
        });
}
