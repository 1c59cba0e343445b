using System.Globalization;
using ManagedImages.Builds;
using ManagedImages.Durable;
using ManagedImages.Jobs;
using ManagedImages.Oci;
using ManagedImages.Storage;
using ManagedImages.Versions;
using Microsoft.DurableTask;

namespace ManagedImages.Runs;

/// <summary>
/// One run of a nickname (instance id = run id): resolve the registration and the base's current digest; a pinned
/// nickname runs its pinned version; otherwise, if the current version is stale and the run's freshness policy does not
/// accept it, join or start the build of a new version and wait for it; then start the job with the
/// image pinned by digest and wait for it to end. A job that exits non-zero still completes the run with its exit
/// code; a run that cannot get an image or start its job ends Failed with the reason.
/// </summary>
public sealed class RunImageOrchestrator : TaskOrchestrator<RunImageInput, RunOutput>
{
    public override async Task<RunOutput> RunAsync(TaskOrchestrationContext context, RunImageInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return await RunCoreAsync(context, input);
        }
        catch (TaskFailedException e)
        {
            var reason = DurableRetries.Reason(e);
            context.SetCustomStatus(new RunProgress("failed", reason));
            throw new PermanentFailureException(reason, e);
        }
        catch (PermanentFailureException e)
        {
            context.SetCustomStatus(new RunProgress("failed", e.Message));
            throw;
        }
    }

    private static async Task<RunOutput> RunCoreAsync(TaskOrchestrationContext context, RunImageInput input)
    {
        var nickname = input.Nickname;
        context.SetCustomStatus(new RunProgress("resolving", $"looking up '{nickname}' and the current digest of its base"));
        var resolved = await context.CallActivityAsync<ResolvedImage>(nameof(ResolveImageActivity), nickname, DurableRetries.Activity);

        var freshness = input.Freshness ?? RunFreshness.Strict;
        var chosen = await ChooseVersionAsync(context, resolved, freshness);
        var (version, image, imageDigest) = (chosen.Version.Number, chosen.Version.Image, chosen.Version.Digest);

        var pinned = ImageReference.Parse(image).WithDigest(Digest.Parse(imageDigest)).ToString();
        var jobName = JobNames.FromRunId(context.InstanceId);
        var request = new JobRequest(
            jobName,
            pinned,
            input.Args,
            input.Env,
            new Dictionary<string, string>
            {
                [JobLabels.Nickname] = nickname,
                [JobLabels.Version] = version.ToString(CultureInfo.InvariantCulture),
                [JobLabels.RunId] = context.InstanceId,
                [JobLabels.ImageDigest] = imageDigest,
                [JobLabels.BaseDigest] = chosen.Version.BaseDigest,
            })
        {
            Resources = input.Resources,
        };

        // Garbage collection keeps a leased version until the run releases it (or the lease expires after a crash).
        var lease = new LeaseVersionInput(nickname, version, context.InstanceId);
        await context.CallActivityAsync<bool>(nameof(LeaseVersionActivity), lease, DurableRetries.Activity);
        JobResult result;
        try
        {
            context.SetCustomStatus(new RunProgress("launching", $"starting job {jobName} from v{version} of '{nickname}' ({pinned})"));
            try
            {
                await context.CallActivityAsync<JobLaunch>(nameof(LaunchJobActivity), request, DurableRetries.Activity);
            }
            catch (TaskFailedException e)
            {
                throw new PermanentFailureException($"the job {jobName} could not be started: {DurableRetries.Reason(e)}", e);
            }

            context.SetCustomStatus(new RunProgress("running", $"job {jobName} runs v{version} of '{nickname}'"));
            // Each wait is one slice (Jobs:AwaitSlice) that answers null while the job runs, so no activity outlives the
            // host's timeout. A slice adds a few history events; a job of days is a few hundred, well within one history.
            JobResult? ended;
            do
            {
                ended = await context.CallActivityAsync<JobResult?>(nameof(AwaitJobActivity), jobName, DurableRetries.Activity);
            }
            while (ended is null);
            result = ended;
        }
        finally
        {
            await ReleaseAsync(context, lease);
        }

        context.SetCustomStatus(new RunProgress("done", $"job {jobName} exited with code {result.ExitCode}"));
        return new RunOutput(
            nickname, version, pinned, imageDigest, chosen.Version.BaseDigest, chosen.Upgraded, jobName, result.ExitCode, result.LogTail)
        {
            Fresh = chosen.Fresh,
            Pinned = resolved.Pinned is not null,
            Freshness = freshness.Mode,
            BackgroundBuildVersion = chosen.BackgroundBuildVersion,
        };
    }

    /// <summary>
    /// The version to launch: the pinned one if any; else the current one when fresh, or stale but allowed by the
    /// policy (allowStale starts the upgrade without waiting for it); else a new build, waited for.
    /// </summary>
    private static async Task<ChosenVersion> ChooseVersionAsync(
        TaskOrchestrationContext context, ResolvedImage resolved, RunFreshness freshness)
    {
        if (resolved.Pinned is { } pinnedVersion)
        {
            return new ChosenVersion(pinnedVersion, resolved.IsFreshVersion(pinnedVersion), Upgraded: false, BackgroundBuildVersion: null);
        }
        if (resolved.IsFresh)
        {
            return new ChosenVersion(resolved.Current!, Fresh: true, Upgraded: false, BackgroundBuildVersion: null);
        }

        var current = resolved.Current;
        // maxAge is about the base moving, not about the registration: a version of an older revision is another image.
        if (freshness.Mode == FreshnessMode.MaxAge && current is not null && current.Revision == resolved.Revision
            && freshness.MaxAge is { } maxAge && context.CurrentUtcDateTime - current.CreatedAt.UtcDateTime <= maxAge)
        {
            return new ChosenVersion(current, Fresh: false, Upgraded: false, BackgroundBuildVersion: null);
        }

        var nickname = resolved.Nickname;
        var requestInput = new RequestBuildInput(nickname, resolved.Revision, resolved.BaseDigest, context.InstanceId);
        if (freshness.Mode == FreshnessMode.AllowStale && current is not null)
        {
            BuildState background;
            try
            {
                background = await context.CallActivityAsync<BuildState>(nameof(RequestBuildActivity), requestInput, DurableRetries.Activity);
            }
            catch (TaskFailedException)
            {
                // The upgrade could not even start (the registration changed meanwhile): the run still goes ahead, and
                // the next run resolves again.
                return new ChosenVersion(current, Fresh: false, Upgraded: false, BackgroundBuildVersion: null);
            }
            if (background.Status == BuildStatus.Succeeded)
            {
                // Built already (by an earlier run): nothing to wait for, so this run gets the fresh version.
                return new ChosenVersion(Built(background), Fresh: true, Upgraded: true, BackgroundBuildVersion: null);
            }
            return new ChosenVersion(current, Fresh: false, Upgraded: false, BackgroundBuildVersion: background.Version);
        }

        var build = await context.CallActivityAsync<BuildState>(nameof(RequestBuildActivity), requestInput, DurableRetries.Activity);
        context.SetCustomStatus(new RunProgress(
            "building", $"building v{build.Version} of '{nickname}' on base {resolved.BaseDigest}"));
        build = await BuildWaiting.UntilFinishedAsync(context, build, resolved.BuildTimeout, resolved.CheckInterval);
        if (build.Status != BuildStatus.Succeeded)
        {
            var error = build.Error ?? $"the build of v{build.Version} failed";
            throw new PermanentFailureException(current is { } previous
                ? $"{error}; the previous version (v{previous.Number}) stays current"
                : error);
        }
        return new ChosenVersion(Built(build), Fresh: true, Upgraded: true, BackgroundBuildVersion: null);

        ImageVersion Built(BuildState state) => new(
            nickname, state.Version, state.Image!, state.Digest!, resolved.BaseReference, state.BaseDigest, state.Revision, default);
    }

    private static async Task ReleaseAsync(TaskOrchestrationContext context, LeaseVersionInput lease)
    {
        try
        {
            await context.CallActivityAsync<bool>(nameof(ReleaseVersionActivity), lease, DurableRetries.Activity);
        }
        catch (TaskFailedException)
        {
            // The lease expires on its own (Versions:LeaseDuration); the run's outcome stands.
        }
    }

    private sealed record ChosenVersion(ImageVersion Version, bool Fresh, bool Upgraded, int? BackgroundBuildVersion);
}
