using ManagedImages.Builds;
using ManagedImages.Durable;
using ManagedImages.Runs;
using Microsoft.DurableTask;

namespace ManagedImages.Registration;

/// <summary>
/// Builds the first version of a registration revision on its base's current digest, sharing the build with any run
/// that needs the same one. On failure the registration is marked Failed with the reason (recording the version on
/// success already marked it Ready).
/// </summary>
public sealed class RegisterImageOrchestrator : TaskOrchestrator<RegisterImageInput, RegisterOutput>
{
    public override async Task<RegisterOutput> RunAsync(TaskOrchestrationContext context, RegisterImageInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        string reason;
        try
        {
            return await RegisterCoreAsync(context, input);
        }
        catch (TaskFailedException e)
        {
            reason = DurableRetries.Reason(e);
        }
        catch (PermanentFailureException e)
        {
            reason = e.Message;
        }

        context.SetCustomStatus(new RunProgress("failed", reason));
        await context.CallActivityAsync<bool>(
            nameof(MarkRegistrationActivity), new MarkRegistrationInput(input.Nickname, input.Revision, reason), DurableRetries.Activity);
        throw new PermanentFailureException(reason);
    }

    private static async Task<RegisterOutput> RegisterCoreAsync(TaskOrchestrationContext context, RegisterImageInput input)
    {
        var nickname = input.Nickname;
        context.SetCustomStatus(new RunProgress("resolving", $"looking up '{nickname}' and the current digest of its base"));
        var resolved = await context.CallActivityAsync<ResolvedImage>(nameof(ResolveImageActivity), nickname, DurableRetries.Activity);
        if (resolved.Current is { } current && current.Revision == input.Revision && current.BaseDigest == resolved.BaseDigest)
        {
            // Built already (this registration was started twice, or a run got there first).
            context.SetCustomStatus(new RunProgress("done", $"v{current.Number} of '{nickname}' is built"));
            return new RegisterOutput(nickname, current.Number, current.Image, current.Digest, current.BaseDigest);
        }

        var build = await context.CallActivityAsync<BuildState>(
            nameof(RequestBuildActivity),
            new RequestBuildInput(nickname, input.Revision, resolved.BaseDigest, context.InstanceId),
            DurableRetries.Activity);
        context.SetCustomStatus(new RunProgress("building", $"building v{build.Version} of '{nickname}' on base {resolved.BaseDigest}"));
        build = await BuildWaiting.UntilFinishedAsync(context, build, resolved.BuildTimeout, resolved.CheckInterval);
        if (build.Status != BuildStatus.Succeeded)
        {
            throw new PermanentFailureException(build.Error ?? $"the build of v{build.Version} failed");
        }

        context.SetCustomStatus(new RunProgress("done", $"v{build.Version} of '{nickname}' is built"));
        return new RegisterOutput(nickname, build.Version, build.Image!, build.Digest!, build.BaseDigest);
    }
}
