using ManagedImages.Activities.Tests.Support;
using ManagedImages.Builds;
using ManagedImages.Runs;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Builds;

/// <summary>
/// A run that asks to join a build just as it completes launches at once. The two writes that race on the build record
/// (the run's join, the build's finish) are put in each order by holding them in a proxy in front of Azurite. Waiting
/// runs check their build only every 10 minutes here, so a run that missed the completion would not end in the test's time.
/// </summary>
[Trait("Category", "Stack")]
public sealed class JoinAsBuildCompletesTests
{
    private static readonly TimeSpan RarelyChecked = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_join_written_after_the_build_finished_sees_the_new_version_and_launches_at_once()
    {
        await using var race = await Race.StartAsync();
        var joining = race.HoldJoinOfLateRun();
        var late = await race.StartLateRunAsync();
        await joining.Arrived.WaitAsync(AtOnce);

        // The late run read the record while it was Building; the build now finishes before the run's join lands.
        race.World.Builder.Release();
        await Eventually.TrueAsync(async () => (await race.RecordAsync()).Status == BuildStatus.Succeeded, "the build to finish");
        joining.Release();

        Assert.Equal(412, await joining.Answered.WaitAsync(AtOnce));
        var (first, second) = await race.BothRunsAsync(late);
        Assert.Equal([race.FirstRunId], (await race.RecordAsync()).Waiters);
        Assert.Equal((2, 2), (first.Version, second.Version));
        Assert.Equal(first.ImageDigest, second.ImageDigest);
        Assert.Equal(1, race.World.Builder.Calls(race.World.Nickname, 2));
    }

    [Fact]
    public async Task A_join_written_between_the_builds_last_read_and_its_finish_is_told_of_the_completion()
    {
        await using var race = await Race.StartAsync();
        var joining = race.HoldJoinOfLateRun();
        var finishing = race.HoldFinish();
        var late = await race.StartLateRunAsync();
        await joining.Arrived.WaitAsync(AtOnce);

        // The build reads the record (one waiter) and is about to write Succeeded when the late run's join lands.
        race.World.Builder.Release();
        await finishing.Arrived.WaitAsync(AtOnce);
        joining.Release();
        Assert.Equal(204, await joining.Answered.WaitAsync(AtOnce));
        finishing.Release();

        Assert.Equal(412, await finishing.Answered.WaitAsync(AtOnce));
        var (first, second) = await race.BothRunsAsync(late);
        Assert.Equal([race.FirstRunId, late], (await race.RecordAsync()).Waiters);
        Assert.Equal((2, 2), (first.Version, second.Version));
        Assert.Equal(first.ImageDigest, second.ImageDigest);
        Assert.Equal(1, race.World.Builder.Calls(race.World.Nickname, 2));
    }

    /// <summary>A stale image whose build a first run started and the builder holds, its tables reached through the proxy.</summary>
    private sealed class Race : IAsyncDisposable
    {
        private readonly GatedTableProxy proxy;
        private readonly BuildKey key;
        private readonly string lateRunId = "late-" + UniqueNames.Suffix();

        private Race(GatedTableProxy proxy, World world, BuildKey key, string firstRunId)
        {
            this.proxy = proxy;
            World = world;
            this.key = key;
            FirstRunId = firstRunId;
        }

        public World World { get; }

        public string FirstRunId { get; }

        public static async Task<Race> StartAsync()
        {
            await LocalStack.RequireAllAsync();
            var proxy = await GatedTableProxy.StartAsync(LocalStack.Storage);
            World? world = null;
            try
            {
                world = await World.StartAsync(
                    buildTimeout: TimeSpan.FromMinutes(15),
                    checkInterval: RarelyChecked,
                    configure: services => services.PostConfigure<StorageOptions>(o => o.ConnectionString = proxy.ConnectionString));
                await world.PushBaseAsync("1");
                await world.RegisterAsync(world.Greeting("hello"));
                var key = new BuildKey(world.Nickname, 1, await world.PushBaseAsync("2"));
                world.Builder.Hold();
                var first = await world.StartRunAsync(World.PrintVersions);
                await Eventually.TrueAsync(
                    async () => (await world.Builds.GetAsync(key, CancellationToken.None))?.Waiters.Contains(first) == true,
                    "the first run to start the build");
                return new Race(proxy, world, key, first);
            }
            catch
            {
                if (world is not null) await world.DisposeAsync();
                await proxy.DisposeAsync();
                throw;
            }
        }

        /// <summary>Holds the late run's write of itself into the build's waiters.</summary>
        public GatedTableProxy.Gate HoldJoinOfLateRun() =>
            proxy.Hold((method, path, body) => method == "PUT" && path.Contains(World.Builds.TableName, StringComparison.Ordinal)
                && body.Contains(lateRunId, StringComparison.Ordinal));

        /// <summary>Holds the build's write of its final status.</summary>
        public GatedTableProxy.Gate HoldFinish() =>
            proxy.Hold((method, path, body) => method == "PUT" && path.Contains(World.Builds.TableName, StringComparison.Ordinal)
                && body.Contains(nameof(BuildStatus.Succeeded), StringComparison.Ordinal));

        public Task<string> StartLateRunAsync() => World.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(RunImageOrchestrator),
            new RunImageInput(World.Nickname, World.PrintVersions, new Dictionary<string, string>()),
            new StartOrchestrationOptions(lateRunId));

        public async Task<BuildRecord> RecordAsync() =>
            await World.Builds.GetAsync(key, CancellationToken.None) ?? throw new InvalidOperationException("the build record is gone");

        /// <summary>Both runs' outputs, failing when either has not completed within <see cref="AtOnce"/>.</summary>
        public async Task<(RunOutput First, RunOutput Late)> BothRunsAsync(string late)
        {
            using var patience = new CancellationTokenSource(AtOnce);
            var outputs = new List<RunOutput>();
            foreach (var id in new[] { FirstRunId, late })
            {
                OrchestrationMetadata run;
                try
                {
                    run = await World.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, patience.Token);
                }
                catch (OperationCanceledException)
                {
                    var status = await World.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
                    Assert.Fail($"run {id} did not end within {AtOnce.TotalSeconds} s ({status?.RuntimeStatus}, {status?.SerializedCustomStatus}): " +
                        $"it waits for its next check ({RarelyChecked.TotalMinutes} min) instead of having been told");
                    throw;
                }
                Assert.True(run.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"run {id} failed: {run.FailureDetails}");
                outputs.Add(run.ReadOutputAs<RunOutput>()!);
            }
            return (outputs[0], outputs[1]);
        }

        public async ValueTask DisposeAsync()
        {
            await World.DisposeAsync();
            await proxy.DisposeAsync();
        }
    }
}
