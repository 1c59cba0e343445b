using System.Text;
using System.Text.Json;
using ManagedImages.Activities.Tests.Support;
using ManagedImages.Api;
using ManagedImages.Api.Access;
using ManagedImages.Builds;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Activities.Tests.Api;

/// <summary>
/// GET /api/images/{nick} and GET /api/runs/{id} through the shared handlers, on the world whose orchestrations wait for
/// a held build: both list the waiting runs while the build goes, and neither once it is done.
/// </summary>
[Trait("Category", "Stack")]
public sealed class WaitingRunsStatusTests
{
    [Fact]
    public async Task Runs_waiting_for_a_held_build_are_listed_by_the_image_and_by_each_run_until_the_build_is_done()
    {
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        await world.RegisterAsync(world.Greeting("hello"));
        var newBase = await world.PushBaseAsync("2");
        world.Builder.Hold();

        string[] runs = [await world.StartRunAsync(World.PrintVersions), await world.StartRunAsync(World.PrintVersions)];
        var key = new BuildKey(world.Nickname, 1, newBase);
        await Eventually.TrueAsync(
            async () => (await world.Builds.GetAsync(key, CancellationToken.None))?.Waiters.Count == runs.Length, "both runs to join the build");

        var image = await GetImageAsync(world);
        var building = Assert.Single(image.GetProperty("building").EnumerateArray());
        Assert.Equal(2, building.GetProperty("version").GetInt32());
        Assert.Equal(newBase, building.GetProperty("baseDigest").GetString());
        Assert.Equal(runs.Order(), Strings(building.GetProperty("waitingRuns")).Order());
        var first = await GetRunAsync(world, runs[0]);
        var waitingFor = first.GetProperty("waitingFor");
        Assert.Equal((2, newBase), (waitingFor.GetProperty("version").GetInt32(), waitingFor.GetProperty("baseDigest").GetString()));
        Assert.Equal([runs[1]], Strings(waitingFor.GetProperty("otherWaitingRuns")));

        world.Builder.Release();
        var finished = await Task.WhenAll(runs.Select(world.WaitAsync));

        Assert.All(finished, run => Assert.Equal(OrchestrationRuntimeStatus.Completed, run.RuntimeStatus));
        Assert.False((await GetImageAsync(world)).TryGetProperty("building", out _));
        Assert.All(
            await Task.WhenAll(runs.Select(id => GetRunAsync(world, id))),
            run => Assert.False(run.TryGetProperty("waitingFor", out _)));
    }

    private static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToList();

    private static async Task<JsonElement> GetImageAsync(World world)
    {
        var request = Request($"/api/images/{world.Nickname}");
        var endpoints = ActivatorUtilities.CreateInstance<ImagesEndpoints>(world.Services);
        return await WriteAsync(await endpoints.GetAsync(world.Nickname, request));
    }

    private static async Task<JsonElement> GetRunAsync(World world, string id)
    {
        var request = Request($"/api/runs/{id}");
        var endpoints = ActivatorUtilities.CreateInstance<RunsEndpoints>(world.Services);
        return await WriteAsync(await endpoints.GetAsync(id, request, world.Client));
    }

    // The shared handlers check the caller first; these reads come from a signed-in user.
    private static readonly IServiceProvider SignedInUserServices = new ServiceCollection()
        .AddLogging()
        .AddApiAccess<SignedInUser>(new ConfigurationBuilder().Build())
        .BuildServiceProvider();

    private static HttpRequest Request(string path)
    {
        var context = new DefaultHttpContext { RequestServices = SignedInUserServices };
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1");
        context.Request.Path = path;
        return context.Request;
    }

    /// <summary>Writes the answer as the hosts do and reads its JSON back; fails on anything but 200.</summary>
    private static async Task<JsonElement> WriteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        var text = Encoding.UTF8.GetString(body.ToArray());
        Assert.True(context.Response.StatusCode == StatusCodes.Status200OK, $"answered {context.Response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
