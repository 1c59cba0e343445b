using ManagedImages.Builders;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Webhooks;

/// <summary>
/// Completes a build from the registry's push webhook, which may come before the builder's polling notices the run
/// ended (or when the process that polled is gone). A push of <c>{prefix}/{nickname}:build-vN</c> finds the attempt
/// building version N, publishes the pushed image as vN with its annotations and completes the attempt through
/// <see cref="BuildCompletion"/>, which raises BuildCompleted to every waiting orchestration. Repeated deliveries,
/// pushes the poller already handled and pushes of any other tag change nothing.
/// </summary>
public sealed partial class AcrPushNotifications(
    BuildStore builds,
    ImageStore images,
    BuildCompletion completion,
    AnnotatedManifestPublisher publisher,
    IOptions<CustomImageOptions> options,
    ILogger<AcrPushNotifications> logger)
{
    private readonly CustomImageOptions _options = options.Value;

    public async Task<AcrPushResult> HandleAsync(AcrPushEvent push, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(push);
        if (!push.IsPush) return Ignored($"the action is '{push.Action}', not a push");
        var target = push.Target;
        if (push.Request?.Host is { Length: > 0 } host && !string.Equals(host, _options.Registry, StringComparison.OrdinalIgnoreCase))
            return Ignored($"the push went to {host}, not to {_options.Registry} where custom images live");
        var prefix = _options.RepositoryPrefix + "/";
        var nickname = target.Repository.StartsWith(prefix, StringComparison.Ordinal) ? target.Repository[prefix.Length..] : "";
        if (nickname.Length == 0 || nickname.Contains('/', StringComparison.Ordinal))
            return Ignored($"{target.Repository} is not a custom image repository ({prefix}<nickname>)");
        if (!WorkingTag.TryParse(target.Tag, out var version))
            return Ignored($"{target.Repository}:{target.Tag} is not a builder's working tag ({WorkingTag.For(1)}, {WorkingTag.For(2)}, …)");
        if (!Digest.TryParse(target.Digest, out var digest))
            return Ignored($"the push of {target.Repository}:{target.Tag} names no digest");

        var record = await builds.FindByVersionAsync(nickname, version, cancellationToken);
        if (record is null) return Result(AcrPushOutcome.NoBuild, $"no build of v{version} of '{nickname}' is recorded");
        if (record.Status != BuildStatus.Building)
            return Result(AcrPushOutcome.AlreadyFinished, $"the build of v{version} of '{nickname}' has finished already ({record.Status})");

        var stored = await images.GetAsync(nickname, cancellationToken);
        if (stored is null || stored.Revision != record.Key.Revision)
        {
            // The build's own checks fail it with the reason; this push cannot say which registration it was built from.
            return Result(AcrPushOutcome.NoBuild,
                $"v{version} of '{nickname}' was built for revision {record.Key.Revision}, but the registration is {(stored is null ? "gone" : $"at revision {stored.Revision}")}");
        }

        var request = new BuildRequest(nickname, version, record.Key.Revision, stored.Registration, record.Key.BaseDigest);
        var pushed = new ImageReference(_options.Registry, target.Repository, null, digest);
        var built = await publisher.PublishAsync(request, pushed, cancellationToken);
        await completion.SucceededAsync(record.Key, version, stored.Registration.Base, built, cancellationToken);

        var after = await builds.GetAsync(record.Key, cancellationToken);
        return after is { Status: BuildStatus.Succeeded } && after.Version == version && after.Digest == built.Digest
            ? Result(AcrPushOutcome.Completed, $"v{version} of '{nickname}' is {built.Image}")
            : Result(AcrPushOutcome.AlreadyFinished, $"the build of v{version} of '{nickname}' was finished meanwhile ({after?.Status.ToString() ?? "gone"})");
    }

    private AcrPushResult Ignored(string detail) => Result(AcrPushOutcome.Ignored, detail);

    private AcrPushResult Result(AcrPushOutcome outcome, string detail)
    {
        LogOutcome(outcome, detail);
        return new AcrPushResult(outcome, detail);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "ACR push event: {Outcome}: {Detail}")]
    private partial void LogOutcome(AcrPushOutcome outcome, string detail);
}
