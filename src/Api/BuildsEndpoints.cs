using System.Globalization;
using ManagedImages.Bases;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Api;

/// <summary>
/// How versions are made and were made: /api/images/{nickname}/plan shows the next version's plan without building,
/// /api/images/{nickname}/versions/{version}/log and /packages show what a builder left behind for a version.
/// </summary>
public sealed partial class BuildsEndpoints(
    ImageStore store, LatestBaseDigests latestBases, BuildPlanner planner, BuildRecordingStore recordings, ILogger<BuildsEndpoints> logger)
{
    /// <summary>
    /// GET /api/images/{nickname}/plan: rebase or build, on the digest the base tag points to now, with the generated
    /// Dockerfile for a build. A base that cannot be resolved still gets its plan, with baseDigest null and a reason why.
    /// </summary>
    public Task<IResult> PlanAsync(string nickname, HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            if (ImagesEndpoints.NicknameProblem(nickname) is { } invalid) return invalid;
            var stored = await store.GetAsync(nickname, cancellationToken);
            if (stored is null) return Problems.ImageNotFound(nickname);

            var (digest, note) = await ResolveBaseAsync(stored.Registration.Base, cancellationToken);
            var plan = await planner.PlanAsync(nickname, stored.Registration, stored.Revision, digest, null, cancellationToken);
            var view = PlanView.From(nickname, stored.Revision, plan);
            if (note is not null) view = view with { Reasons = [note, .. view.Reasons] };
            return new ApiResponse(StatusCodes.Status200OK, view);
        });

    /// <summary>
    /// GET /api/images/{nickname}/versions/{version}/log: the build log as JSON lines, also for a build that failed
    /// (its version never became current). 404 for a version made by a rebase, which no builder ran for.
    /// </summary>
    public Task<IResult> LogAsync(string nickname, string version, HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            var (recording, problem) = await FindRecordingAsync(nickname, version, "build log", cancellationToken);
            if (recording is null) return problem!;
            var lines = await recordings.GetBuildLogAsync(nickname, recording.Version, cancellationToken) ?? [];
            return new ApiResponse(StatusCodes.Status200OK, new BuildLogView(nickname, recording.Version, recording.Succeeded, lines));
        });

    /// <summary>
    /// GET /api/images/{nickname}/versions/{version}/packages[?against=N]: the package versions the build of that
    /// version installed; with <c>against</c>, also what changed from version N to this one.
    /// </summary>
    public Task<IResult> PackagesAsync(string nickname, string version, HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            var (recording, problem) = await FindRecordingAsync(nickname, version, "record of installed packages", cancellationToken);
            if (recording is null) return problem!;
            var view = PackagesView.From(recording);
            if (request.Query["against"].ToString() is not { Length: > 0 } against) return new ApiResponse(StatusCodes.Status200OK, view);

            var (other, otherProblem) = await FindRecordingAsync(nickname, against, "record of installed packages", cancellationToken, field: "against");
            if (other is null) return otherProblem!;
            return new ApiResponse(StatusCodes.Status200OK, view with
            {
                Against = other.Version,
                Changes = PackageChange.Between(other.Packages, recording.Packages),
            });
        });

    /// <summary>A version number as the routes take it: digits only, from 1.</summary>
    internal static bool TryParseVersion(string? text, out int version) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version) && version >= 1;

    private async Task<(BuildRecording? Recording, ApiResponse? Problem)> FindRecordingAsync(
        string nickname, string versionText, string what, CancellationToken cancellationToken, string field = "version")
    {
        if (ImagesEndpoints.NicknameProblem(nickname) is { } invalid) return (null, invalid);
        if (!TryParseVersion(versionText, out var number))
        {
            return (null, Problems.Invalid(field,
                $"'{versionText}' is not a version number; give a whole number from 1, like 1 or 12 (GET /api/images/{nickname} lists the versions)"));
        }
        if (await store.GetAsync(nickname, cancellationToken) is null) return (null, Problems.ImageNotFound(nickname));

        var recording = await recordings.GetAsync(nickname, number, cancellationToken);
        var versions = await store.GetVersionsAsync(nickname, cancellationToken);
        var made = versions.FirstOrDefault(v => v.Number == number);
        // A recording from another revision or base than the version's is left from an earlier registration of the
        // same nickname (deleting an image keeps its recordings): it says nothing about this version.
        if (recording is not null && (made is null || (recording.Revision == made.Revision && recording.BaseDigest == made.BaseDigest)))
            return (recording, null);
        return (null, made is null ? Problems.VersionNotFound(nickname, number) : Problems.NoBuildRecord(nickname, number, what));
    }

    /// <summary>The base's latest digest (the tag's now, or its override) and a note the plan shows (why it is null, or that it is overridden).</summary>
    private async Task<(string? Digest, string? Note)> ResolveBaseAsync(string baseImage, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(baseImage);
        if (latestBases.OverrideOf(reference) is { } overridden)
            return (overridden.ToString(), $"The latest digest of {reference} is set by configuration (BaseImages:Overrides), whatever the tag points to.");
        try
        {
            return await latestBases.GetAsync(reference, cancellationToken) is { } digest
                ? (digest.ToString(), null)
                : (null, $"The base {reference} was not found in its registry: a run fails until it is pushed again.");
        }
        catch (RegistryException e)
        {
            LogUnresolved(e, reference.ToString());
            return (null, $"The base {reference} could not be resolved: the registry refused ({e.Message}).");
        }
        catch (HttpRequestException e)
        {
            LogUnresolved(e, reference.ToString());
            return (null, $"The base {reference} could not be resolved: its registry {reference.Registry} did not answer ({e.Message}).");
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnresolved(e, reference.ToString());
            return (null, $"The base {reference} could not be resolved: its registry {reference.Registry} did not answer in time.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Planning without a base digest: {Base} could not be resolved")]
    private partial void LogUnresolved(Exception error, string @base);
}
