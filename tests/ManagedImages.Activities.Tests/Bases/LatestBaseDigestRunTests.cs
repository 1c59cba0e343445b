using ManagedImages.Activities.Tests.Support;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.Runs;
using ManagedImages.TestSupport;
using ManagedImages.Upgrades;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Bases;

/// <summary>Runs through the orchestration on the base digest LatestBaseDigests gives: an override, a cached reading, a push.</summary>
[Trait("Category", "Stack")]
public sealed class LatestBaseDigestRunTests
{
    private static async Task<RunOutput> RunAsync(World world)
    {
        var run = await world.RunAsync(World.PrintVersions);
        Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"the run failed: {run.FailureDetails}");
        return run.ReadOutputAs<RunOutput>()!;
    }

    [Fact]
    public async Task A_run_builds_on_the_configured_override_although_the_tag_points_elsewhere_and_a_push_of_the_tag_is_ignored()
    {
        await LocalStack.RequireAllAsync();
        var tag = new ImageReference(LocalStack.Registry, UniqueNames.Of("acttests-override") + "/base", "1", null);
        string coupled, newer;
        var services = new ServiceCollection();
        services.AddRegistryClient(LocalStack.Configuration());
        await using (var pushing = services.BuildServiceProvider())
        {
            var scratch = new ScratchImage(pushing.GetRequiredService<RegistryClient>());
            coupled = (await BusyboxImage.PushAsync(scratch, tag, "base 1", CancellationToken.None)).Digest;
            newer = (await BusyboxImage.PushAsync(scratch, tag, "base 2", CancellationToken.None)).Digest;
        }
        await using var world = await World.StartAsync(settings: new Dictionary<string, string?>
        {
            ["BaseImages:Overrides:0:Reference"] = tag.ToString(),
            ["BaseImages:Overrides:0:Digest"] = coupled,
        });

        var registered = await world.RegisterAsync(world.Greeting("hello") with { Base = tag.ToString() });
        var output = await RunAsync(world);
        var push = await world.Services.GetRequiredService<BasePushHandler>()
            .HandleAsync(new BasePush(tag.Registry, tag.Repository, tag.Tag, newer), CancellationToken.None);

        Assert.Equal(coupled, registered.BaseDigest);
        Assert.Equal((1, coupled, false), (output.Version, output.BaseDigest, output.Upgraded));
        Assert.Equal(["base 1", "hello"], output.LogTail);
        Assert.Equal(BasePushOutcome.Ignored, push.Outcome);
        Assert.Contains("BaseImages:Overrides", push.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_base_push_refreshes_a_cached_digest_so_the_next_run_upgrades_without_waiting_for_the_cache()
    {
        await using var world = await World.StartAsync(settings: new Dictionary<string, string?> { ["BaseImages:CacheDuration"] = "01:00:00" });
        var oldBase = await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");

        var cached = await RunAsync(world);
        var reference = ImageReference.Parse(world.BaseReference);
        var push = await world.Services.GetRequiredService<BasePushHandler>()
            .HandleAsync(new BasePush(reference.Registry, reference.Repository, reference.Tag, newBase), CancellationToken.None);
        var refreshed = await RunAsync(world);

        // Within the hour the registration's reading stands: the tag's move is not seen yet.
        Assert.Equal((1, oldBase, false), (cached.Version, cached.BaseDigest, cached.Upgraded));
        Assert.Equal(BasePushOutcome.Handled, push.Outcome);
        Assert.Equal((newBase, true), (refreshed.BaseDigest, refreshed.Upgraded));
        Assert.Equal(["base 2", "hello"], refreshed.LogTail);
    }
}
