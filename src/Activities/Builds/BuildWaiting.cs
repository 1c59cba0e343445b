using ManagedImages.Durable;
using Microsoft.DurableTask;

namespace ManagedImages.Builds;

/// <summary>
/// How an orchestration waits for a build it requested: for the "BuildCompleted" event, checking the build record every
/// check interval (which restarts a build whose host died), until a deadline after which the attempt is given up.
/// Shared by runs and registrations.
/// </summary>
public static class BuildWaiting
{
    /// <summary>The finished attempt: Succeeded with its image, or Failed with why (a timeout included).</summary>
    public static async Task<BuildState> UntilFinishedAsync(
        TaskOrchestrationContext context, BuildState build, TimeSpan timeout, TimeSpan checkInterval)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(build);
        if (build.Status != BuildStatus.Building) return build;

        var attempt = BuildAttempt.Of(build);
        var deadline = context.CurrentUtcDateTime + timeout;
        // One wait for the whole loop: an event that arrives between checks is kept for it.
        var completion = context.WaitForExternalEvent<BuildCompleted>(BuildCompleted.EventName);
        // Bounded by the deadline: one timer and at most one check per interval.
        while (context.CurrentUtcDateTime < deadline)
        {
            var left = deadline - context.CurrentUtcDateTime;
            using var timerCancellation = new CancellationTokenSource();
            var timer = context.CreateTimer(left < checkInterval ? left : checkInterval, timerCancellation.Token);
            if (await Task.WhenAny(completion, timer) == completion)
            {
                timerCancellation.Cancel();
                var completed = await completion;
                if (completed.Version == build.Version && completed.BaseDigest == build.BaseDigest)
                {
                    return build with
                    {
                        Status = completed.Succeeded ? BuildStatus.Succeeded : BuildStatus.Failed,
                        Image = completed.Image,
                        Digest = completed.Digest,
                        Error = completed.Error,
                    };
                }
                // About another attempt (a late one this instance no longer waits for): keep waiting for ours.
                completion = context.WaitForExternalEvent<BuildCompleted>(BuildCompleted.EventName);
                continue;
            }

            var state = await context.CallActivityAsync<BuildState>(nameof(CheckBuildActivity), attempt, DurableRetries.Activity);
            if (state.Status != BuildStatus.Building) return state;
        }

        return await context.CallActivityAsync<BuildState>(
            nameof(GiveUpBuildActivity),
            new GiveUpBuildInput(attempt, InProcessBuildRunner.TimedOut(build.Version, timeout)),
            DurableRetries.Activity);
    }
}
