using ManagedImages.Durable;
using ManagedImages.Storage;
using Microsoft.DurableTask;

namespace ManagedImages.Builds;

/// <summary>
/// Joins the build of (nickname, revision, base digest), starting it in this process when no attempt is building or
/// done; the caller is added to its waiters. A build that already succeeded is returned at once.
/// </summary>
public sealed class RequestBuildActivity(ImageStore images, BuildStore builds, InProcessBuildRunner runner)
    : TaskActivity<RequestBuildInput, BuildState>
{
    public override async Task<BuildState> RunAsync(TaskActivityContext context, RequestBuildInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var stored = await images.GetAsync(input.Nickname, CancellationToken.None)
            ?? throw new PermanentFailureException($"no image is registered as '{input.Nickname}'");
        if (stored.Revision != input.Revision)
        {
            // The base digest was resolved for the other revision, whose base may differ: building now would mix them.
            throw new PermanentFailureException(
                $"the registration of '{input.Nickname}' changed (revision {input.Revision} -> {stored.Revision}) while this was starting; start it again");
        }

        var key = new BuildKey(input.Nickname, input.Revision, input.BaseDigest);
        var outcome = await builds.StartOrJoinAsync(key, input.WaiterInstanceId, CancellationToken.None);
        if (outcome.Started)
        {
            _ = runner.Start(
                new BuildRequest(key.Nickname, outcome.Record.Version, key.Revision, stored.Registration, key.BaseDigest),
                stored.Registration.Base);
        }
        return outcome.Record.ToState();
    }
}
