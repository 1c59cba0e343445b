using ManagedImages.Builds;
using ManagedImages.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Api;

/// <summary>
/// A nickname's version history (/api/images/{nickname}/versions) and which version its runs use: pin
/// (PUT/DELETE /api/images/{nickname}/pin) and roll back (POST /api/images/{nickname}/rollback). A rollback makes the
/// version current and pins it, because an unpinned run would upgrade again at once; unpinning makes the newest
/// version current again.
/// </summary>
public sealed class VersionsEndpoints(ImageStore store, BuildRecordingStore recordings, ILogger<VersionsEndpoints> logger)
{
    /// <summary>GET /api/images/{nickname}/versions: every version with its plan kind and status, and the pin/rollback history.</summary>
    public Task<IResult> ListAsync(string nickname, HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            if (ImagesEndpoints.NicknameProblem(nickname) is { } invalid) return invalid;
            var stored = await store.GetAsync(nickname, cancellationToken);
            if (stored is null) return Problems.ImageNotFound(nickname);
            return new ApiResponse(StatusCodes.Status200OK, await HistoryAsync(stored, cancellationToken));
        });

    /// <summary>PUT /api/images/{nickname}/pin with {"version": N}: runs use version N and do not upgrade until unpinned.</summary>
    public Task<IResult> PinAsync(string nickname, HttpRequest request) =>
        ChangeAsync(nickname, request, requireVersion: true, (version, ct) => store.PinAsync(nickname, version!.Value, ct));

    /// <summary>DELETE /api/images/{nickname}/pin: runs follow the newest version again (and upgrade when it is stale).</summary>
    public Task<IResult> UnpinAsync(string nickname, HttpRequest request) =>
        ChangeAsync(nickname, request, requireVersion: false, (_, ct) => store.UnpinAsync(nickname, ct));

    /// <summary>POST /api/images/{nickname}/rollback with {"version": N}: version N becomes current and is pinned.</summary>
    public Task<IResult> RollBackAsync(string nickname, HttpRequest request) =>
        ChangeAsync(nickname, request, requireVersion: true, (version, ct) => store.RollBackAsync(nickname, version!.Value, ct));

    private Task<IResult> ChangeAsync(
        string nickname, HttpRequest request, bool requireVersion, Func<int?, CancellationToken, Task<StoredRegistration?>> change) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            if (ImagesEndpoints.NicknameProblem(nickname) is { } invalid) return invalid;
            int? version = null;
            if (requireVersion)
            {
                var body = await RequestBody.ReadAsync<VersionChoice>(request, required: true, cancellationToken);
                if (body.Problem is not null) return body.Problem;
                if (body.Value!.Version is not { } number)
                    return Problems.Invalid("version", "'version' is required: the version number to use, like {\"version\": 2}");
                if (number < 1)
                    return Problems.Invalid("version", $"{number} is not a version number; give a whole number from 1 (GET /api/images/{nickname}/versions lists them)");
                version = number;
            }

            StoredRegistration? stored;
            try
            {
                stored = await change(version, cancellationToken);
            }
            catch (VersionNotFoundException)
            {
                return Problems.VersionNotFound(nickname, version ?? 0);
            }
            if (stored is null) return Problems.ImageNotFound(nickname);
            return new ApiResponse(StatusCodes.Status200OK, await HistoryAsync(stored, cancellationToken)).WithHeader("ETag", stored.ETag);
        });

    private async Task<VersionHistory> HistoryAsync(StoredRegistration stored, CancellationToken cancellationToken)
    {
        var versions = await store.GetVersionsAsync(stored.Nickname, cancellationToken);
        var actions = await store.GetVersionActionsAsync(stored.Nickname, cancellationToken);
        var entries = new List<VersionHistoryEntry>(versions.Count);
        foreach (var version in versions)
        {
            var recording = await recordings.GetAsync(stored.Nickname, version.Number, cancellationToken);
            // A recording of another revision or base is left from an earlier registration of the same nickname.
            var built = recording is not null && recording.Revision == version.Revision && recording.BaseDigest == version.BaseDigest;
            entries.Add(VersionHistoryEntry.From(version, built, stored));
        }
        return new VersionHistory(
            stored.Nickname, stored.CurrentVersion, stored.PinnedVersion, entries, actions.Select(VersionActionView.From).ToList());
    }
}
