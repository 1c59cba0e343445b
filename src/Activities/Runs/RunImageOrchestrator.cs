using System.Globalization;
using ManagedImages.Builds;
using ManagedImages.Durable;
using ManagedImages.Jobs;
using ManagedImages.Oci;
using Microsoft.DurableTask;

namespace ManagedImages.Runs;

/// <summary>
/// One run of a nickname (instance id = run id): resolve the registration and the base's current digest; if the
/// current version is stale, join or start the build of a new version and wait for it; then start the job with the
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

        int version;
        string image, imageDigest;
        var upgraded = !resolved.IsFresh;
        if (resolved.IsFresh)
        {
            var current = resolved.Current!;
            (version, image, imageDigest) = (current.Number, current.Image, current.Digest);
        }
        else
        {
            var build = await context.CallActivityAsync<BuildState>(
                nameof(RequestBuildActivity),
                new RequestBuildInput(nickname, resolved.Revision, resolved.BaseDigest, context.InstanceId),
                DurableRetries.Activity);
            context.SetCustomStatus(new RunProgress(
                "building", $"building v{build.Version} of '{nickname}' on base {resolved.BaseDigest}"));
            build = await BuildWaiting.UntilFinishedAsync(context, build, resolved.BuildTimeout, resolved.CheckInterval);
            if (build.Status != BuildStatus.Succeeded)
            {
                var error = build.Error ?? $"the build of v{build.Version} failed";
                throw new PermanentFailureException(resolved.Current is { } previous
                    ? $"{error}; the previous version (v{previous.Number}) stays current"
                    : error);
            }
            (version, image, imageDigest) = (build.Version, build.Image!, build.Digest!);
        }

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
                [JobLabels.BaseDigest] = resolved.BaseDigest,
            });

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
        var result = await context.CallActivityAsync<JobResult>(nameof(AwaitJobActivity), jobName, DurableRetries.Activity);

        context.SetCustomStatus(new RunProgress("done", $"job {jobName} exited with code {result.ExitCode}"));
        return new RunOutput(
            nickname, version, pinned, imageDigest, resolved.BaseDigest, upgraded, jobName, result.ExitCode, result.LogTail);
    }
}
