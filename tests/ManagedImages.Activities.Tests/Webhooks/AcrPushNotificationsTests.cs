using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Activities.Tests.Support;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.Runs;
using ManagedImages.TestSupport;
using ManagedImages.Webhooks;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Webhooks;

[Trait("Category", "Stack")]
public sealed class AcrPushNotificationsTests
{
    [Fact]
    public async Task The_push_of_the_working_tag_completes_the_waiting_run_and_a_repeated_delivery_changes_nothing()
    {
        await using var world = await World.StartAsync(checkInterval: TimeSpan.FromSeconds(1), configure: s => s.AddAcrPushNotifications());
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");
        // The build "runs elsewhere": the in-process builder never reports, only the registry's push does.
        world.Builder.Hang = true;
        var runId = await world.StartRunAsync(World.PrintVersions);
        await Eventually.TrueAsync(
            async () => await world.Builds.FindByVersionAsync(world.Nickname, 2, CancellationToken.None) is { Status: BuildStatus.Building },
            "the run to start building v2");

        var pushed = await PushWorkingImageAsync(world, 2, "base 2", "pushed by the builder\n");
        var notifications = world.Services.GetRequiredService<AcrPushNotifications>();
        var push = AcrPushEvent.Parse(PushPayload($"managed/{world.Nickname}", "build-v2", pushed));

        var result = await notifications.HandleAsync(push, CancellationToken.None);

        Assert.Equal(AcrPushOutcome.Completed, result.Outcome);
        // The BuildCompleted event reached the waiting run: it goes on to launch v2.
        await Eventually.TrueAsync(async () =>
        {
            var status = (await world.Client.GetInstanceAsync(runId, getInputsAndOutputs: true))?.ReadCustomStatusAs<RunProgress>();
            return status is { Stage: "launching" or "running" or "done" } && status.Message.Contains($"v2 of '{world.Nickname}'", StringComparison.Ordinal);
        }, "the run to launch v2");
        var run = await world.WaitAsync(runId);
        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        var output = run.ReadOutputAs<RunOutput>()!;
        Assert.Equal((2, true, newBase), (output.Version, output.Upgraded, output.BaseDigest));
        Assert.Equal(["base 2", "pushed by the builder"], output.LogTail);
        Assert.Equal(2, (await world.Images.GetAsync(world.Nickname))!.CurrentVersion);

        var registry = world.Services.GetRequiredService<RegistryClient>();
        var version = await registry.GetManifestAsync(ImageReference.Parse(output.Image), CancellationToken.None);
        var manifest = JsonSerializer.Deserialize<ImageManifest>(version!.Bytes)!;
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(world.Nickname, manifest.Annotations![AnnotationKeys.Nickname]);
        Assert.Equal("2", manifest.Annotations[AnnotationKeys.Version]);
        Assert.Equal(newBase, manifest.Annotations[AnnotationKeys.BaseDigest]);

        var finished = await world.Builds.FindByVersionAsync(world.Nickname, 2, CancellationToken.None);
        var again = await notifications.HandleAsync(push, CancellationToken.None);

        Assert.Equal(AcrPushOutcome.AlreadyFinished, again.Outcome);
        var after = await world.Builds.FindByVersionAsync(world.Nickname, 2, CancellationToken.None);
        Assert.Equal((finished!.ETag, finished.Status, finished.Digest), (after!.ETag, after.Status, after.Digest));
        Assert.Equal(2, (await world.Images.GetVersionsAsync(world.Nickname, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Pushes_that_no_build_waits_for_change_nothing()
    {
        await using var world = await World.StartAsync(configure: s => s.AddAcrPushNotifications());
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var notifications = world.Services.GetRequiredService<AcrPushNotifications>();
        var digest = await PushWorkingImageAsync(world, 7, "base 1", "unrelated\n");
        var repository = $"managed/{world.Nickname}";

        var outcomes = new[]
        {
            AcrPushEvent.Parse(PushPayload(repository, "latest", digest)),
            AcrPushEvent.Parse(PushPayload("other/app", "build-v1", digest)),
            AcrPushEvent.Parse(PushPayload(repository, "build-v1", digest, host: "someone-else.azurecr.io")),
            AcrPushEvent.Parse(PushPayload(repository, "build-v1", digest, action: "delete")),
            AcrPushEvent.Parse(PushPayload(repository, "build-v7", digest)),
            // v1 was built by the layer builder and is finished: a late push of its working tag must not replace it.
            AcrPushEvent.Parse(PushPayload(repository, "build-v1", digest)),
        };
        var results = new List<AcrPushOutcome>();
        foreach (var push in outcomes) results.Add((await notifications.HandleAsync(push, CancellationToken.None)).Outcome);

        Assert.Equal(
            [AcrPushOutcome.Ignored, AcrPushOutcome.Ignored, AcrPushOutcome.Ignored, AcrPushOutcome.Ignored, AcrPushOutcome.NoBuild, AcrPushOutcome.AlreadyFinished],
            results);
        var versions = await world.Images.GetVersionsAsync(world.Nickname, CancellationToken.None);
        Assert.Equal(1, Assert.Single(versions).Number);
        var registry = world.Services.GetRequiredService<RegistryClient>();
        Assert.Null(await registry.ResolveDigestAsync(ImageReference.Parse($"{LocalStack.Registry}/{repository}:v7"), CancellationToken.None));
    }

    /// <summary>An ACR webhook push body as the documentation shows it.</summary>
    private static string PushPayload(string repository, string tag, Digest digest, string? host = null, string action = "push") =>
        new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["timestamp"] = "2026-01-05T10:12:01.343145347Z",
            ["action"] = action,
            ["target"] = new JsonObject
            {
                ["mediaType"] = MediaTypes.DockerManifest,
                ["size"] = 524,
                ["digest"] = digest.ToString(),
                ["length"] = 524,
                ["repository"] = repository,
                ["tag"] = tag,
            },
            ["request"] = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["host"] = host ?? LocalStack.Registry,
                ["method"] = "PUT",
                ["useragent"] = "acr-builder/1.0",
            },
        }.ToJsonString();

    /// <summary>What a builder pushes under build-v<paramref name="version"/>: a runnable busybox image, as a Docker schema 2 manifest.</summary>
    private static Task<Digest> PushWorkingImageAsync(World world, int version, string baseVersion, string greeting) =>
        BusyboxImage.PushDockerSchema2Async(
            world.Services.GetRequiredService<RegistryClient>(),
            new ImageReference(LocalStack.Registry, $"managed/{world.Nickname}", WorkingTag.For(version), null),
            BusyboxImage.Entries(baseVersion, LayerEntry.File("etc/greeting", LayerEntry.DefaultFileMode, Encoding.UTF8.GetBytes(greeting))),
            CancellationToken.None);
}
