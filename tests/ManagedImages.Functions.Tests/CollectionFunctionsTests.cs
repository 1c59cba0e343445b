using System.Globalization;
using ManagedImages.Api;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Functions.Tests;

/// <summary>POST /api/images/{nick}/gc through its Functions trigger, on the services the Functions app composes (Versions:Keep = 10).</summary>
[Trait("Category", "Stack")]
public sealed class CollectionFunctionsTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    private CollectionFunctions Functions => new(host.Services.CreateScope().ServiceProvider.GetRequiredService<CollectionEndpoints>());

    private static string Nick() => "fngc-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>Versions 1..<paramref name="count"/>; <paramref name="imageOf"/> says where each one's image is.</summary>
    private async Task WithVersionsAsync(string nick, int count, Func<int, string> imageOf)
    {
        var stored = await host.Store.SaveAsync(nick, new Registrations.Registration { Base = $"{LocalStack.Registry}/fntest/base-{nick}:1" }, null);
        for (var n = 1; n <= count; n++)
        {
            var digest = "sha256:" + n.ToString("D64", CultureInfo.InvariantCulture);
            await host.Store.AddVersionAsync(new ImageVersion(nick, n, imageOf(n), digest, stored.Registration.Base,
                "sha256:" + new string('b', 64), stored.Revision, DateTimeOffset.UtcNow), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Gc_answers_the_deleted_and_the_kept_versions_with_why_and_history_records_the_collection()
    {
        var nick = Nick();
        // Manifests that are not in the registry: deleting one already gone counts as deleted.
        await WithVersionsAsync(nick, 11, n => $"{LocalStack.Registry}/fntest-managed/{nick}:v{n}");

        var answer = await Requests.WriteAsync(await Functions.Collect(Requests.Create("POST", $"/api/images/{nick}/gc"), nick));

        Assert.Equal(200, answer.Status);
        Assert.Equal(10, answer.Body.GetProperty("keep").GetInt32());
        var deleted = Assert.Single(answer.Body.GetProperty("deleted").EnumerateArray());
        Assert.Equal(1, deleted.GetProperty("version").GetInt32());
        var kept = answer.Body.GetProperty("kept").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(2, 10).Reverse(), kept.Select(k => k.GetProperty("version").GetInt32()));
        Assert.Equal(["newest", "current"], kept[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Empty(answer.Body.GetProperty("failed").EnumerateArray());
        Assert.Equal(10, (await host.Store.GetVersionsAsync(nick)).Count);
        var action = Assert.Single(await host.Store.GetVersionActionsAsync(nick));
        Assert.Equal((VersionActionKind.Collect, (int?)1), (action.Kind, action.Version));
    }

    [Fact]
    public async Task Gc_of_an_unknown_nickname_answers_404_problem()
    {
        var nick = Nick();

        var answer = await Requests.WriteAsync(await Functions.Collect(Requests.Create("POST", $"/api/images/{nick}/gc"), nick));

        Assert.Equal(404, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.ImageNotFoundType, answer.Body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_registry_delete_that_fails_keeps_the_record_for_the_next_collection()
    {
        // A registry with deletes disabled, as the distribution registry answers then: 405 UNSUPPORTED.
        await using var refusing = await RefusingRegistryAsync();
        var nick = Nick();
        await WithVersionsAsync(nick, 11, n => n == 1 ? $"{refusing.Host}/managed/{nick}:v1" : $"{LocalStack.Registry}/fntest-managed/{nick}:v{n}");

        var answer = await Requests.WriteAsync(await Functions.Collect(Requests.Create("POST", $"/api/images/{nick}/gc"), nick));

        Assert.Equal(200, answer.Status);
        Assert.Empty(answer.Body.GetProperty("deleted").EnumerateArray());
        var failed = Assert.Single(answer.Body.GetProperty("failed").EnumerateArray());
        Assert.Equal(1, failed.GetProperty("version").GetInt32());
        Assert.Contains("UNSUPPORTED", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(11, (await host.Store.GetVersionsAsync(nick)).Count);
        Assert.Equal(VersionUse.Usable, await host.Store.GetVersionUseAsync(nick, 1)); // the mark is cleared
        Assert.Equal(1, refusing.Deletes);
        Assert.Empty(await host.Store.GetVersionActionsAsync(nick));
    }

    private static async Task<RefusingRegistry> RefusingRegistryAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var registry = new RefusingRegistry(app);
        app.MapMethods("/v2/{**path}", ["GET", "HEAD", "DELETE"], (HttpContext context) =>
        {
            if (context.Request.Method == "DELETE")
            {
                registry.CountDelete();
                return Results.Json(new { errors = new[] { new { code = "UNSUPPORTED", message = "The operation is unsupported." } } }, statusCode: 405);
            }
            return Results.Json(new { errors = new[] { new { code = "MANIFEST_UNKNOWN", message = "manifest unknown" } } }, statusCode: 404);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        registry.Host = $"127.0.0.1:{address.Port}";
        return registry;
    }

    private sealed class RefusingRegistry(WebApplication app) : IAsyncDisposable
    {
        private int deletes;

        public string Host { get; set; } = "";

        public int Deletes => Volatile.Read(ref deletes);

        public void CountDelete() => Interlocked.Increment(ref deletes);

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}
