using Microsoft.AspNetCore.Http;
using ManagedImages.Api;
using ManagedImages.Builds;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests;

/// <summary>The plan, build log and packages routes through their Functions triggers, on the services the Functions app composes.</summary>
[Trait("Category", "Stack")]
public sealed class BuildsFunctionsTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    private static readonly string SomeDigest = "sha256:" + new string('a', 64);

    private BuildsFunctions Functions => new(host.Services.CreateScope().ServiceProvider.GetRequiredService<BuildsEndpoints>());

    private RegistryClient Registry => host.Services.GetRequiredService<RegistryClient>();

    private BuildRecordingStore Recordings => host.Services.GetRequiredService<BuildRecordingStore>();

    private static string Nick() => UniqueNames.Of("fnb");

    private static Registrations.Registration LayerOnly(string baseImage) =>
        new() { Base = baseImage, Env = new Dictionary<string, string> { ["APP_MODE"] = "fast" } };

    private static Registrations.Registration WithPackages(string baseImage) =>
        LayerOnly(baseImage) with { Packages = new PackageSpec { Apt = ["curl"], Pip = ["requests"] } };

    /// <summary>The Dockerfile's first line that is neither a comment nor blank.</summary>
    private static string FirstInstruction(string dockerfile) =>
        dockerfile.Split('\n').First(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));

    private Task<ImageReference> PushBaseAsync(string nick) =>
        BusyboxImage.PushPinnedAsync(Registry, new ImageReference(LocalStack.Registry, $"fntest/base-{nick}", "1", null), "1", CancellationToken.None);

    private async Task<ImageVersion> AddVersionAsync(StoredRegistration stored, int number)
    {
        var version = new ImageVersion(stored.Nickname, number, $"{LocalStack.Registry}/fntest-managed/{stored.Nickname}:v{number}@{SomeDigest}",
            SomeDigest, stored.Registration.Base, SomeDigest, stored.Revision, DateTimeOffset.UtcNow);
        await host.Store.AddVersionAsync(version, CancellationToken.None);
        return version;
    }

    [Fact]
    public async Task Plan_of_a_layer_only_registration_is_a_rebase_on_the_current_base_digest_without_a_Dockerfile()
    {
        var nick = Nick();
        var baseImage = await PushBaseAsync(nick);
        var baseTag = baseImage.WithTag("1").ToString();
        await host.Store.SaveAsync(nick, LayerOnly(baseTag), null);

        var answer = await Requests.WriteAsync(await Functions.Plan(Requests.Create("GET", $"/api/images/{nick}/plan"), nick));

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal("rebase", answer.Body.GetProperty("kind").GetString());
        Assert.Equal(nick, answer.Body.GetProperty("nickname").GetString());
        Assert.Equal(1, answer.Body.GetProperty("revision").GetInt64());
        Assert.Equal(baseTag, answer.Body.GetProperty("base").GetString());
        Assert.Equal(baseImage.Digest.ToString(), answer.Body.GetProperty("baseDigest").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.Body.GetProperty("dockerfile").ValueKind);
        Assert.Contains(answer.Body.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("rebase", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_of_a_package_registration_is_a_build_whose_Dockerfile_starts_from_the_base_pinned_by_digest()
    {
        var nick = Nick();
        var baseImage = await PushBaseAsync(nick);
        await host.Store.SaveAsync(nick, WithPackages(baseImage.WithTag("1").ToString()), null);

        var answer = await Requests.WriteAsync(await Functions.Plan(Requests.Create("GET", $"/api/images/{nick}/plan"), nick));

        Assert.Equal(200, answer.Status);
        Assert.Equal("build", answer.Body.GetProperty("kind").GetString());
        Assert.Equal(baseImage.Digest.ToString(), answer.Body.GetProperty("baseDigest").GetString());
        var dockerfile = answer.Body.GetProperty("dockerfile").GetString()!;
        Assert.Equal($"FROM {baseImage.Name}@{baseImage.Digest}", FirstInstruction(dockerfile));
        Assert.Contains("curl", dockerfile, StringComparison.Ordinal);
        Assert.Contains("requests", dockerfile, StringComparison.Ordinal);
        // Planning builds nothing: no version, no build recording.
        Assert.Empty(await host.Store.GetVersionsAsync(nick, CancellationToken.None));
        Assert.Null(await Recordings.GetAsync(nick, 1, CancellationToken.None));
    }

    [Fact]
    public async Task Plan_on_a_base_missing_from_its_registry_still_answers_the_plan_with_no_digest_and_says_why()
    {
        var nick = Nick();
        var missing = $"{LocalStack.Registry}/fntest/never-pushed-{nick}:1";
        await host.Store.SaveAsync(nick, WithPackages(missing), null);

        var answer = await Requests.WriteAsync(await Functions.Plan(Requests.Create("GET", $"/api/images/{nick}/plan"), nick));

        Assert.Equal(200, answer.Status);
        Assert.Equal("build", answer.Body.GetProperty("kind").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.Body.GetProperty("baseDigest").ValueKind);
        Assert.Equal($"FROM {missing}", FirstInstruction(answer.Body.GetProperty("dockerfile").GetString()!));
        var first = answer.Body.GetProperty("reasons")[0].GetString()!;
        Assert.Contains($"{missing} was not found in its registry", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_of_an_unknown_nickname_answers_404_image_not_found()
    {
        var nick = Nick();

        var answer = await Requests.WriteAsync(await Functions.Plan(Requests.Create("GET", $"/api/images/{nick}/plan"), nick));

        Assert.Equal(404, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.ImageNotFoundType, answer.Body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Log_of_a_rebased_version_answers_404_saying_no_builder_ran()
    {
        var nick = Nick();
        var stored = await host.Store.SaveAsync(nick, LayerOnly($"{LocalStack.Registry}/fntest/busybox:1"), null);
        await AddVersionAsync(stored, 1);

        var answer = await Requests.WriteAsync(await Functions.Log(Requests.Create("GET", $"/api/images/{nick}/versions/1/log"), nick, "1"));

        Assert.Equal(404, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.NoBuildRecordType, answer.Body.GetProperty("type").GetString());
        Assert.Equal($"version 1 of {nick} was rebased: no builder ran, so there is no build log", answer.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Log_and_packages_of_a_built_version_answer_what_its_build_recorded()
    {
        var nick = Nick();
        var stored = await host.Store.SaveAsync(nick, WithPackages($"{LocalStack.Registry}/fntest/busybox:1"), null);
        var version = await AddVersionAsync(stored, 1);
        string[] log = ["Step 1/4 : FROM busybox", "Successfully installed requests-2.32.3", "Successfully built 0123abcd"];
        var packages = new ResolvedPackages(new Dictionary<string, string> { ["curl"] = "7.88.1-10" }, new Dictionary<string, string> { ["requests"] = "2.32.3" });
        await Recordings.SaveAsync(new BuildRecording(nick, 1, stored.Revision, version.BaseDigest, true, packages, DateTimeOffset.UtcNow), log, CancellationToken.None);

        var answer = await Requests.WriteAsync(await Functions.Log(Requests.Create("GET", $"/api/images/{nick}/versions/1/log"), nick, "1"));
        var installed = await Requests.WriteAsync(await Functions.Packages(Requests.Create("GET", $"/api/images/{nick}/versions/1/packages"), nick, "1"));

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(1, answer.Body.GetProperty("version").GetInt32());
        Assert.True(answer.Body.GetProperty("succeeded").GetBoolean());
        Assert.Equal(log, answer.Body.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(200, installed.Status);
        Assert.Equal("2.32.3", installed.Body.GetProperty("pip").GetProperty("requests").GetString());
        Assert.Equal("7.88.1-10", installed.Body.GetProperty("apt").GetProperty("curl").GetString());
        Assert.Equal(SomeDigest, installed.Body.GetProperty("baseDigest").GetString());
    }

    [Fact]
    public async Task Packages_against_an_earlier_version_answer_the_package_diff()
    {
        var nick = Nick();
        var stored = await host.Store.SaveAsync(nick, WithPackages($"{LocalStack.Registry}/fntest/busybox:1"), null);
        var v1 = await AddVersionAsync(stored, 1);
        var v2 = await AddVersionAsync(stored, 2);
        await Recordings.SaveAsync(new BuildRecording(nick, 1, stored.Revision, v1.BaseDigest, true, new ResolvedPackages(
            new Dictionary<string, string> { ["curl"] = "7.88.1-10", ["libold"] = "1.0" }, new Dictionary<string, string> { ["requests"] = "2.32.3" }),
            DateTimeOffset.UtcNow), ["built v1"], CancellationToken.None);
        await Recordings.SaveAsync(new BuildRecording(nick, 2, stored.Revision, v2.BaseDigest, true, new ResolvedPackages(
            new Dictionary<string, string> { ["curl"] = "7.88.1-10+deb12u8", ["libnew"] = "2.0" }, new Dictionary<string, string> { ["requests"] = "2.32.3" }),
            DateTimeOffset.UtcNow), ["built v2"], CancellationToken.None);
        var request = Requests.Create("GET", $"/api/images/{nick}/versions/2/packages");
        request.QueryString = new QueryString("?against=1");
        var badRequest = Requests.Create("GET", $"/api/images/{nick}/versions/2/packages");
        badRequest.QueryString = new QueryString("?against=first");

        var answer = await Requests.WriteAsync(await Functions.Packages(request, nick, "2"));
        var bad = await Requests.WriteAsync(await Functions.Packages(badRequest, nick, "2"));

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, answer.Body.GetProperty("against").GetInt32());
        var changes = answer.Body.GetProperty("changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("manager").GetString()} {c.GetProperty("name").GetString()}: {c.GetProperty("from").GetString() ?? "-"} -> {c.GetProperty("to").GetString() ?? "-"}")
            .ToList();
        Assert.Equal(["apt curl: 7.88.1-10 -> 7.88.1-10+deb12u8", "apt libnew: - -> 2.0", "apt libold: 1.0 -> -"], changes);
        Assert.Equal(400, bad.Status);
        Assert.Contains("against", bad.Body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Log_of_a_failed_build_is_served_although_its_version_was_never_made()
    {
        var nick = Nick();
        var stored = await host.Store.SaveAsync(nick, WithPackages($"{LocalStack.Registry}/fntest/busybox:1"), null);
        await Recordings.SaveAsync(
            new BuildRecording(nick, 1, stored.Revision, SomeDigest, false, ResolvedPackages.Empty, DateTimeOffset.UtcNow),
            ["E: Unable to locate package curl"], CancellationToken.None);

        var answer = await Requests.WriteAsync(await Functions.Log(Requests.Create("GET", $"/api/images/{nick}/versions/1/log"), nick, "1"));

        Assert.Equal(200, answer.Status);
        Assert.False(answer.Body.GetProperty("succeeded").GetBoolean());
        Assert.Equal(["E: Unable to locate package curl"], answer.Body.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task Log_of_an_unknown_version_or_nickname_answers_404_saying_which()
    {
        var nick = Nick();
        var stored = await host.Store.SaveAsync(nick, LayerOnly($"{LocalStack.Registry}/fntest/busybox:1"), null);
        await AddVersionAsync(stored, 1);
        var nobody = Nick();

        var noVersion = await Requests.WriteAsync(await Functions.Log(Requests.Create("GET", $"/api/images/{nick}/versions/7/log"), nick, "7"));
        var noImage = await Requests.WriteAsync(await Functions.Log(Requests.Create("GET", $"/api/images/{nobody}/versions/1/log"), nobody, "1"));

        Assert.Equal(404, noVersion.Status);
        Assert.Equal(Problems.VersionNotFoundType, noVersion.Body.GetProperty("type").GetString());
        Assert.Contains($"'{nick}' has no version 7", noVersion.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(404, noImage.Status);
        Assert.Equal(Problems.ImageNotFoundType, noImage.Body.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v1")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("99999999999")]
    public async Task Log_with_a_version_that_is_not_a_number_from_1_answers_400_naming_the_version(string version)
    {
        var nick = Nick();
        await host.Store.SaveAsync(nick, LayerOnly($"{LocalStack.Registry}/fntest/busybox:1"), null);

        var answer = await Requests.WriteAsync(await Functions.Log(Requests.Create("GET", $"/api/images/{nick}/versions/{version}/log"), nick, version));

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(["version"], answer.ErrorFields());
        Assert.Contains($"'{version}' is not a version number", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
