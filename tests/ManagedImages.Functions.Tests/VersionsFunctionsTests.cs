using ManagedImages.Api;
using ManagedImages.Builds;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests;

/// <summary>Version history, pin and rollback through their Functions triggers, on the services the Functions app composes.</summary>
[Trait("Category", "Stack")]
public sealed class VersionsFunctionsTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    private static readonly string SomeDigest = "sha256:" + new string('a', 64);

    private VersionsFunctions Functions => new(host.Services.CreateScope().ServiceProvider.GetRequiredService<VersionsEndpoints>());

    private BuildRecordingStore Recordings => host.Services.GetRequiredService<BuildRecordingStore>();

    private static string Nick() => "fnv-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A registration with versions 1..<paramref name="count"/>, each on its own base digest; the newest is current.</summary>
    private async Task<StoredRegistration> WithVersionsAsync(string nick, int count)
    {
        var stored = await host.Store.SaveAsync(nick, new Registrations.Registration { Base = $"{LocalStack.Registry}/fntest/base-{nick}:1" }, null);
        for (var n = 1; n <= count; n++)
        {
            var digest = "sha256:" + new string((char)('0' + n), 64);
            await host.Store.AddVersionAsync(new ImageVersion(nick, n, $"{LocalStack.Registry}/fntest-managed/{nick}:v{n}@{digest}",
                digest, stored.Registration.Base, SomeDigest[..^1] + n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                stored.Revision, DateTimeOffset.UtcNow), CancellationToken.None);
        }
        return (await host.Store.GetAsync(nick))!;
    }

    private static List<(int Number, string Status)> Statuses(Written answer) =>
        answer.Body.GetProperty("versions").EnumerateArray()
            .Select(v => (v.GetProperty("number").GetInt32(), v.GetProperty("status").GetString()!)).ToList();

    [Fact]
    public async Task Versions_lists_every_version_newest_first_with_its_plan_kind_and_status()
    {
        var nick = Nick();
        var stored = await WithVersionsAsync(nick, 2);
        var v1 = (await host.Store.GetVersionsAsync(nick))[1];
        await Recordings.SaveAsync(new BuildRecording(nick, 1, stored.Revision, v1.BaseDigest, true, ResolvedPackages.Empty, DateTimeOffset.UtcNow),
            ["step 1"], CancellationToken.None);

        var answer = await Requests.WriteAsync(await Functions.List(Requests.Create("GET", $"/api/images/{nick}/versions"), nick));

        Assert.Equal(200, answer.Status);
        Assert.Equal(2, answer.Body.GetProperty("currentVersion").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.Body.GetProperty("pinnedVersion").ValueKind);
        var versions = answer.Body.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([2, 1], versions.Select(v => v.GetProperty("number").GetInt32()));
        Assert.Equal(["rebase", "build"], versions.Select(v => v.GetProperty("plan").GetString()));
        Assert.Equal(["current", "older"], versions.Select(v => v.GetProperty("status").GetString()));
        Assert.Equal(v1.BaseDigest, versions[1].GetProperty("baseDigest").GetString());
        Assert.Equal(v1.Digest, versions[1].GetProperty("digest").GetString());
        Assert.Equal(stored.Revision, versions[1].GetProperty("revision").GetInt64());
        Assert.Empty(answer.Body.GetProperty("actions").EnumerateArray());
    }

    [Fact]
    public async Task Pin_then_unpin_is_recorded_and_the_pinned_version_shows_as_pinned_until_unpinned()
    {
        var nick = Nick();
        await WithVersionsAsync(nick, 2);

        var pinned = await Requests.WriteAsync(await Functions.Pin(Requests.Create("PUT", $"/api/images/{nick}/pin", "{\"version\": 1}"), nick));

        Assert.Equal(200, pinned.Status);
        Assert.Equal(1, pinned.Body.GetProperty("pinnedVersion").GetInt32());
        Assert.Equal(2, pinned.Body.GetProperty("currentVersion").GetInt32());
        Assert.Equal([(2, "current"), (1, "pinned")], Statuses(pinned));
        Assert.Equal(1, (await host.Store.GetAsync(nick))!.PinnedVersion);

        var unpinned = await Requests.WriteAsync(await Functions.Unpin(Requests.Create("DELETE", $"/api/images/{nick}/pin"), nick));

        Assert.Equal(200, unpinned.Status);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, unpinned.Body.GetProperty("pinnedVersion").ValueKind);
        Assert.Equal([(2, "current"), (1, "older")], Statuses(unpinned));
        var actions = unpinned.Body.GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal(["unpin", "pin"], actions.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(1, actions[1].GetProperty("version").GetInt32());
        Assert.Equal(1, actions[0].GetProperty("previousPinned").GetInt32());
        Assert.Null((await host.Store.GetAsync(nick))!.PinnedVersion);
    }

    [Fact]
    public async Task Rollback_makes_the_earlier_version_current_and_pins_it_and_unpin_makes_the_newest_current_again()
    {
        var nick = Nick();
        await WithVersionsAsync(nick, 3);

        var rolledBack = await Requests.WriteAsync(
            await Functions.RollBack(Requests.Create("POST", $"/api/images/{nick}/rollback", "{\"version\": 1}"), nick));

        Assert.Equal(200, rolledBack.Status);
        Assert.Equal((1, 1), (rolledBack.Body.GetProperty("currentVersion").GetInt32(), rolledBack.Body.GetProperty("pinnedVersion").GetInt32()));
        Assert.Equal([(3, "newer"), (2, "newer"), (1, "pinned")], Statuses(rolledBack));
        var action = Assert.Single(rolledBack.Body.GetProperty("actions").EnumerateArray());
        Assert.Equal(("rollback", 1, 3), (action.GetProperty("action").GetString(), action.GetProperty("version").GetInt32(),
            action.GetProperty("previousCurrent").GetInt32()));
        var stored = (await host.Store.GetAsync(nick))!;
        Assert.Equal((1, 1), (stored.CurrentVersion, stored.PinnedVersion));

        var unpinned = await Requests.WriteAsync(await Functions.Unpin(Requests.Create("DELETE", $"/api/images/{nick}/pin"), nick));

        Assert.Equal([(3, "current"), (2, "older"), (1, "older")], Statuses(unpinned));
    }

    [Fact]
    public async Task Pin_or_rollback_to_a_version_that_does_not_exist_is_a_404_problem_and_changes_nothing()
    {
        var nick = Nick();
        await WithVersionsAsync(nick, 1);

        var pin = await Requests.WriteAsync(await Functions.Pin(Requests.Create("PUT", $"/api/images/{nick}/pin", "{\"version\": 7}"), nick));
        var rollback = await Requests.WriteAsync(
            await Functions.RollBack(Requests.Create("POST", $"/api/images/{nick}/rollback", "{\"version\": 7}"), nick));

        foreach (var answer in new[] { pin, rollback })
        {
            Assert.Equal(404, answer.Status);
            Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
            Assert.Equal(Problems.VersionNotFoundType, answer.Body.GetProperty("type").GetString());
        }
        var stored = (await host.Store.GetAsync(nick))!;
        Assert.Equal((1, (int?)null, 0), (stored.CurrentVersion, stored.PinnedVersion, stored.VersionActions));
    }

    [Theory]
    [InlineData("", "$")]
    [InlineData("{}", "version")]
    [InlineData("{\"version\": 0}", "version")]
    [InlineData("{\"version\": \"two\"}", "version")]
    [InlineData("{\"versoin\": 1}", "versoin")]
    public async Task Pin_with_a_bad_body_is_a_400_naming_the_field(string body, string field)
    {
        var nick = Nick();
        await WithVersionsAsync(nick, 1);

        var answer = await Requests.WriteAsync(await Functions.Pin(Requests.Create("PUT", $"/api/images/{nick}/pin", body), nick));

        Assert.Equal(400, answer.Status);
        Assert.Contains(field, answer.ErrorFields());
        Assert.Null((await host.Store.GetAsync(nick))!.PinnedVersion);
    }

    [Fact]
    public async Task Versions_pin_and_rollback_of_an_unknown_image_are_404_image_not_found()
    {
        var nick = Nick();

        var answers = new[]
        {
            await Requests.WriteAsync(await Functions.List(Requests.Create("GET", $"/api/images/{nick}/versions"), nick)),
            await Requests.WriteAsync(await Functions.Pin(Requests.Create("PUT", $"/api/images/{nick}/pin", "{\"version\": 1}"), nick)),
            await Requests.WriteAsync(await Functions.Unpin(Requests.Create("DELETE", $"/api/images/{nick}/pin"), nick)),
            await Requests.WriteAsync(await Functions.RollBack(Requests.Create("POST", $"/api/images/{nick}/rollback", "{\"version\": 1}"), nick)),
        };

        Assert.All(answers, a => Assert.Equal((404, Problems.ImageNotFoundType), (a.Status, a.Body.GetProperty("type").GetString())));
    }
}
