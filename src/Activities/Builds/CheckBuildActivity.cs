using ManagedImages.Storage;
using Microsoft.DurableTask;

namespace ManagedImages.Builds;

/// <summary>
/// How a build attempt stands, for a run whose completion event has not come. An attempt recorded as Building that no
/// build in this process runs (its host was stopped or killed) is restarted here: a build is idempotent (same version
/// number and inputs, same image), so running it again is safe.
/// </summary>
public sealed class CheckBuildActivity(ImageStore images, BuildStore builds, InProcessBuildRunner runner, BuildCompletion completion)
    : TaskActivity<BuildAttempt, BuildState>
{
    public override async Task<BuildState> RunAsync(TaskActivityContext context, BuildAttempt input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var key = input.Key;
        var record = await builds.GetAsync(key, CancellationToken.None);
        if (record is null || record.Version != input.Version)
        {
            return Failed(input, record is null
                ? $"the record of the build of v{input.Version} is gone"
                : $"the build of v{input.Version} was given up and replaced by v{record.Version}");
        }

        if (record.Status == BuildStatus.Building && !runner.IsRunning(key, input.Version))
        {
            var stored = await images.GetAsync(key.Nickname, CancellationToken.None);
            if (stored is null || stored.Revision != key.Revision)
            {
                var reason = stored is null
                    ? $"'{key.Nickname}' was deleted while v{input.Version} was building"
                    : $"the registration of '{key.Nickname}' changed (now revision {stored.Revision}) while v{input.Version} was building; start it again";
                return (await completion.FailedAsync(key, input.Version, reason, CancellationToken.None))?.ToState()
                    ?? Failed(input, reason);
            }
            _ = runner.Start(
                new BuildRequest(key.Nickname, input.Version, key.Revision, stored.Registration, key.BaseDigest),
                stored.Registration.Base);
        }
        return record.ToState();
    }

    private static BuildState Failed(BuildAttempt attempt, string error) =>
        new(attempt.Nickname, attempt.Revision, attempt.BaseDigest, attempt.Version, BuildStatus.Failed, null, null, error);
}
