using ManagedImages.Builds;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Oci;
using ManagedImages.Runs;
using ManagedImages.TestSupport;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests;

/// <summary>
/// The Functions app's GetImage and GetRun on the services it composes: the build records' waiters show while the build
/// goes and are gone once it is finished.
/// </summary>
[Trait("Category", "Stack")]
public sealed class WaitingRunsFunctionsTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    [Fact]
    public async Task GetImage_and_GetRun_list_the_runs_waiting_for_a_build_until_it_is_finished()
    {
        var nick = UniqueNames.Of("fnwait");
        var services = host.Services.CreateScope().ServiceProvider;
        var images = new ImagesFunctions(services.GetRequiredService<Api.ImagesEndpoints>());
        var runs = new RunsFunctions(services.GetRequiredService<Api.RunsEndpoints>());
        var builds = host.Services.GetRequiredService<BuildStore>();
        await host.Store.SaveAsync(nick, new Registrations.Registration { Base = $"{LocalStack.Registry}/fntest/base-{nick}:1" }, null, CancellationToken.None);
        var key = new BuildKey(nick, 1, Digest.Sha256("a base"u8).ToString());
        var build = (await builds.StartOrJoinAsync(key, "run-a", CancellationToken.None)).Record;
        await builds.StartOrJoinAsync(key, "run-b", CancellationToken.None);
        var durable = DurableClients.Create(Running("run-a", nick), Running("run-b", nick));

        var image = await Requests.WriteAsync(await images.Get(Requests.Create("GET", $"/api/images/{nick}"), nick));
        var run = await Requests.WriteAsync(await runs.Get(Requests.Create("GET", "/api/runs/run-a"), "run-a", durable.Object));
        await builds.FinishAsync(key, build.Version, b => b with { Status = BuildStatus.Failed, Error = "stopped by the test" }, CancellationToken.None);
        var imageAfter = await Requests.WriteAsync(await images.Get(Requests.Create("GET", $"/api/images/{nick}"), nick));
        var runAfter = await Requests.WriteAsync(await runs.Get(Requests.Create("GET", "/api/runs/run-a"), "run-a", durable.Object));

        var building = Assert.Single(image.Body.GetProperty("building").EnumerateArray());
        Assert.Equal((build.Version, key.BaseDigest), (building.GetProperty("version").GetInt32(), building.GetProperty("baseDigest").GetString()));
        Assert.Equal(["run-a", "run-b"], building.GetProperty("waitingRuns").EnumerateArray().Select(e => e.GetString()));
        var waitingFor = run.Body.GetProperty("waitingFor");
        Assert.Equal(build.Version, waitingFor.GetProperty("version").GetInt32());
        Assert.Equal(["run-b"], waitingFor.GetProperty("otherWaitingRuns").EnumerateArray().Select(e => e.GetString()));
        Assert.False(imageAfter.Body.TryGetProperty("building", out _));
        Assert.False(runAfter.Body.TryGetProperty("waitingFor", out _));
    }

    private static OrchestrationMetadata Running(string id, string nickname) => new(nameof(RunImageOrchestrator), id)
    {
        RuntimeStatus = OrchestrationRuntimeStatus.Running,
        CreatedAt = DateTimeOffset.UtcNow,
        LastUpdatedAt = DateTimeOffset.UtcNow,
        SerializedInput = JsonDataConverter.Default.Serialize(new RunImageInput(nickname, [], new Dictionary<string, string>())),
        DataConverter = JsonDataConverter.Default,
    };
}
