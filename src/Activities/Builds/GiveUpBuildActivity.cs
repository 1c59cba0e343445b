using Microsoft.DurableTask;

namespace ManagedImages.Builds;

/// <summary>
/// Gives up an attempt that took too long: it is recorded Failed (its other waiters are told), so the next run starts
/// a new attempt with a new number; the previous version stays current. An attempt that finished meanwhile is returned
/// as it finished.
/// </summary>
public sealed class GiveUpBuildActivity(BuildCompletion completion) : TaskActivity<GiveUpBuildInput, BuildState>
{
    public override async Task<BuildState> RunAsync(TaskActivityContext context, GiveUpBuildInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var attempt = input.Attempt;
        var record = await completion.FailedAsync(attempt.Key, attempt.Version, input.Reason, CancellationToken.None);
        return record is not null && record.Version == attempt.Version
            ? record.ToState()
            : new(attempt.Nickname, attempt.Revision, attempt.BaseDigest, attempt.Version, BuildStatus.Failed, null, null, input.Reason);
    }
}
