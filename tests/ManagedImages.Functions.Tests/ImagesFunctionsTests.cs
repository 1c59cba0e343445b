using Microsoft.Extensions.DependencyInjection;
using ManagedImages.Builds;
using System.Text.Json;
using ManagedImages.Api;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Oci;
using ManagedImages.Registration;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;

namespace ManagedImages.Functions.Tests;

[Trait("Category", "Stack")]
public sealed class ImagesFunctionsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private const string Busybox = "{\"base\": \"127.0.0.1:5000/fntest/busybox:1\", \"env\": {\"APP_MODE\": \"fast\"}}";

    private ImagesFunctions Functions => new(fixture.Images);

    private static string Nick() => UniqueNames.Of("fn");

    [Fact]
    public async Task Put_of_a_new_registration_answers_202_and_schedules_the_registration_run_once_even_when_retried()
    {
        var nick = Nick();
        var durable = DurableClients.Create();

        var first = await Requests.WriteAsync(await Functions.Put(Requests.Create("PUT", $"/api/images/{nick}", Busybox), nick, durable.Object));
        var retried = await Requests.WriteAsync(await Functions.Put(Requests.Create("PUT", $"/api/images/{nick}", Busybox), nick, durable.Object));

        // One registration attempt, one deterministic id: nickname, revision and when it became Pending.
        var runId = first.Body.GetProperty("registrationRun").GetProperty("id").GetString()!;
        Assert.StartsWith($"register-{nick}-r1-", runId, StringComparison.Ordinal);
        foreach (var answer in new[] { first, retried })
        {
            Assert.Equal(202, answer.Status);
            Assert.Equal($"https://images.example.test/api/runs/{runId}", answer.Headers["Location"]);
            Assert.False(string.IsNullOrEmpty(answer.Headers["ETag"]));
            Assert.StartsWith("application/json", answer.ContentType, StringComparison.Ordinal);
            Assert.Equal(nick, answer.Body.GetProperty("nickname").GetString());
            Assert.Equal("Pending", answer.Body.GetProperty("state").GetString());
            Assert.Equal(1, answer.Body.GetProperty("revision").GetInt64());
            Assert.Equal("fast", answer.Body.GetProperty("registration").GetProperty("env").GetProperty("APP_MODE").GetString());
            Assert.Equal(runId, answer.Body.GetProperty("registrationRun").GetProperty("id").GetString());
        }
        durable.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            nameof(RegisterImageOrchestrator),
            It.Is<object?>(input => input is RegisterImageInput && ((RegisterImageInput)input).Nickname == nick && ((RegisterImageInput)input).Revision == 1),
            It.Is<StartOrchestrationOptions?>(options => options != null && options.InstanceId == runId),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Put_of_a_registration_whose_first_build_failed_starts_a_new_registration_run()
    {
        var nick = Nick();
        var durable = DurableClients.Create();
        var first = await Requests.WriteAsync(await Functions.Put(Requests.Create("PUT", $"/api/images/{nick}", Busybox), nick, durable.Object));
        await fixture.Store.MarkFailedAsync(nick, 1, "the registry was down");

        var again = await Requests.WriteAsync(await Functions.Put(Requests.Create("PUT", $"/api/images/{nick}", Busybox), nick, durable.Object));

        var firstRun = first.Body.GetProperty("registrationRun").GetProperty("id").GetString();
        var secondRun = again.Body.GetProperty("registrationRun").GetProperty("id").GetString();
        Assert.Equal(202, again.Status);
        Assert.Equal("Pending", again.Body.GetProperty("state").GetString());
        Assert.Equal(1, again.Body.GetProperty("revision").GetInt64());
        Assert.NotEqual(firstRun, secondRun);
        durable.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            nameof(RegisterImageOrchestrator), It.IsAny<object?>(),
            It.Is<StartOrchestrationOptions?>(options => options != null && options.InstanceId == secondRun),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Put_with_invalid_fields_answers_400_problem_naming_each_field()
    {
        var nick = Nick();
        var durable = DurableClients.Create();
        var body = "{\"base\": \"Not A Reference\", \"files\": [{\"path\": \"/etc/app.conf\"}], \"env\": {\"1BAD\": \"x\"}}";

        var answer = await Requests.WriteAsync(await Functions.Put(Requests.Create("PUT", $"/api/images/{nick}", body), nick, durable.Object));

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.InvalidRequestType, answer.Body.GetProperty("type").GetString());
        Assert.Equal(400, answer.Body.GetProperty("status").GetInt32());
        Assert.Contains("base", answer.ErrorFields());
        Assert.Contains("files[0]", answer.ErrorFields());
        Assert.Contains("env.1BAD", answer.ErrorFields());
        Assert.Contains("base:", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await fixture.Store.GetAsync(nick));
        durable.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Put_with_an_invalid_nickname_answers_400_naming_the_nickname()
    {
        var answer = await Requests.WriteAsync(await Functions.Put(Requests.Create("PUT", "/api/images/Bad_Name", Busybox), "Bad_Name", DurableClients.Create().Object));

        Assert.Equal(400, answer.Status);
        Assert.Equal(["nickname"], answer.ErrorFields());
    }

    [Fact]
    public async Task Put_with_an_unknown_field_answers_400_naming_it_and_the_accepted_fields()
    {
        var nick = Nick();
        var body = "{\"base\": \"127.0.0.1:5000/fntest/busybox:1\", \"files\": [{\"path\": \"/a\", \"contnt\": \"x\"}]}";

        var answer = await Requests.WriteAsync(await Functions.Put(Requests.Create("PUT", $"/api/images/{nick}", body), nick, DurableClients.Create().Object));

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(["files[0].contnt"], answer.ErrorFields());
        var message = answer.Body.GetProperty("errors")[0].GetProperty("message").GetString()!;
        Assert.Contains("'contnt'", message, StringComparison.Ordinal);
        Assert.Contains("content, contentBase64, mode", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_with_malformed_json_answers_400_naming_the_line_and_position()
    {
        var nick = Nick();
        var answer = await Requests.WriteAsync(await Functions.Put(
            Requests.Create("PUT", $"/api/images/{nick}", "{\n  \"base\": \"x\",\n  \"env\": {\"A\": }\n}"), nick, DurableClients.Create().Object));

        Assert.Equal(400, answer.Status);
        Assert.Equal(Problems.MalformedJsonType, answer.Body.GetProperty("type").GetString());
        Assert.Contains("line 3", answer.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_without_a_required_field_answers_400_naming_it()
    {
        var nick = Nick();
        var answer = await Requests.WriteAsync(await Functions.Put(
            Requests.Create("PUT", $"/api/images/{nick}", "{\"env\": {}}"), nick, DurableClients.Create().Object));

        Assert.Equal(400, answer.Status);
        Assert.Equal(["base"], answer.ErrorFields());
    }

    [Fact]
    public async Task Put_with_an_if_match_that_is_no_longer_current_answers_409()
    {
        var nick = Nick();
        var durable = DurableClients.Create();
        var created = await Requests.WriteAsync(await Functions.Put(Requests.Create("PUT", $"/api/images/{nick}", Busybox), nick, durable.Object));
        var etag = created.Headers["ETag"];
        var changed = Busybox.Replace("fast", "slow", StringComparison.Ordinal);
        var update = Requests.Create("PUT", $"/api/images/{nick}", changed);
        update.Headers.IfMatch = etag;
        Assert.Equal(202, (await Requests.WriteAsync(await Functions.Put(update, nick, durable.Object))).Status);

        var stale = Requests.Create("PUT", $"/api/images/{nick}", Busybox.Replace("fast", "other", StringComparison.Ordinal));
        stale.Headers.IfMatch = etag;
        var answer = await Requests.WriteAsync(await Functions.Put(stale, nick, durable.Object));

        Assert.Equal(409, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.ConflictType, answer.Body.GetProperty("type").GetString());
        Assert.Contains("slow", JsonSerializer.Serialize((await fixture.Store.GetAsync(nick))!.Registration.Env), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_that_changes_a_ready_registration_answers_200_without_a_registration_run()
    {
        var nick = Nick();
        await MakeReadyAsync(nick);
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions.Put(
            Requests.Create("PUT", $"/api/images/{nick}", Busybox.Replace("fast", "slow", StringComparison.Ordinal)), nick, durable.Object));
        var same = await Requests.WriteAsync(await Functions.Put(
            Requests.Create("PUT", $"/api/images/{nick}", Busybox.Replace("fast", "slow", StringComparison.Ordinal)), nick, durable.Object));

        Assert.Equal(200, answer.Status);
        Assert.Equal(2, answer.Body.GetProperty("revision").GetInt64());
        Assert.Equal("Ready", answer.Body.GetProperty("state").GetString());
        Assert.Equal(1, answer.Body.GetProperty("versions").GetArrayLength());
        Assert.False(answer.Body.TryGetProperty("registrationRun", out _));
        Assert.Equal(200, same.Status);
        Assert.Equal(2, same.Body.GetProperty("revision").GetInt64());
        durable.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task Get_of_an_unknown_nickname_answers_404_problem_saying_how_to_register_it()
    {
        var nick = Nick();
        var answer = await Requests.WriteAsync(await Functions.Get(Requests.Create("GET", $"/api/images/{nick}"), nick));

        Assert.Equal(404, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.ImageNotFoundType, answer.Body.GetProperty("type").GetString());
        Assert.Equal($"no image is registered as '{nick}'; register it with PUT /api/images/{nick}", answer.Body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Get_of_a_ready_image_answers_its_registration_state_versions_and_etag()
    {
        var nick = Nick();
        var version = await MakeReadyAsync(nick);

        var answer = await Requests.WriteAsync(await Functions.Get(Requests.Create("GET", $"/api/images/{nick}"), nick));

        Assert.Equal(200, answer.Status);
        Assert.Equal((await fixture.Store.GetAsync(nick))!.ETag, answer.Headers["ETag"]);
        var body = answer.Body;
        Assert.Equal("Ready", body.GetProperty("state").GetString());
        Assert.Equal(1, body.GetProperty("currentVersion").GetInt32());
        Assert.Equal("127.0.0.1:5000/fntest/busybox:1", body.GetProperty("registration").GetProperty("base").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("customizationHash").GetString()));
        var listed = body.GetProperty("versions")[0];
        Assert.Equal(1, listed.GetProperty("number").GetInt32());
        Assert.Equal(version.Image, listed.GetProperty("image").GetString());
        Assert.Equal(version.Digest, listed.GetProperty("digest").GetString());
        Assert.Equal(version.BaseDigest, listed.GetProperty("baseDigest").GetString());
        Assert.Equal(1, listed.GetProperty("revision").GetInt64());
    }

    [Fact]
    public async Task List_of_a_new_store_answers_200_with_no_images()
    {
        await using var empty = new ApiFixture();

        var answer = await Requests.WriteAsync(await new ImagesFunctions(empty.Images).List(Requests.Create("GET", "/api/images")));

        Assert.Equal(200, answer.Status);
        Assert.Equal(0, answer.Body.GetProperty("images").GetArrayLength());
    }

    [Fact]
    public async Task List_answers_a_summary_of_each_registered_image()
    {
        var nick = Nick();
        await Functions.Put(Requests.Create("PUT", $"/api/images/{nick}", Busybox), nick, DurableClients.Create().Object);

        var answer = await Requests.WriteAsync(await Functions.List(Requests.Create("GET", "/api/images")));

        var summary = answer.Body.GetProperty("images").EnumerateArray().Single(i => i.GetProperty("nickname").GetString() == nick);
        Assert.Equal("127.0.0.1:5000/fntest/busybox:1", summary.GetProperty("base").GetString());
        Assert.Equal("Pending", summary.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Delete_removes_the_versions_manifests_from_the_registry_and_then_the_records()
    {
        var nick = Nick();
        var image = await BusyboxImage.PushPinnedAsync(
            fixture.Registry, new ImageReference(LocalStack.Registry, $"fntest/{nick}", "v1", null), "1", CancellationToken.None);
        var version = await MakeReadyAsync(nick, image);
        var recordings = fixture.Services.GetRequiredService<BuildRecordingStore>();
        await recordings.SaveAsync(new BuildRecording(nick, 1, 1, version.BaseDigest, true, ResolvedPackages.Empty, DateTimeOffset.UtcNow), ["built"], CancellationToken.None);
        Assert.NotNull(await fixture.Registry.ResolveDigestAsync(image, CancellationToken.None));

        var answer = await Requests.WriteAsync(await Functions.Delete(Requests.Create("DELETE", $"/api/images/{nick}"), nick));
        var again = await Requests.WriteAsync(await Functions.Delete(Requests.Create("DELETE", $"/api/images/{nick}"), nick));

        Assert.Equal(204, answer.Status);
        Assert.Null(answer.Json);
        Assert.Null(await fixture.Registry.ResolveDigestAsync(image, CancellationToken.None));
        Assert.Null(await fixture.Store.GetAsync(nick));
        Assert.Empty(await fixture.Store.GetVersionsAsync(nick));
        // A registration made again under this name must not be pinned to the deleted one's packages.
        Assert.Null(await recordings.GetAsync(nick, 1, CancellationToken.None));
        Assert.Equal(404, again.Status);
    }

    /// <summary>Registers <paramref name="nick"/> and records version 1 (as a finished registration run would).</summary>
    private async Task<ImageVersion> MakeReadyAsync(string nick, ImageReference? image = null)
    {
        var registration = JsonSerializer.Deserialize<Registrations.Registration>(Busybox, ApiJson.Options)!;
        await fixture.Store.SaveAsync(nick, registration, null);
        var digest = image?.Digest?.ToString() ?? "sha256:" + new string('a', 64);
        var version = new ImageVersion(nick, 1, image?.ToString() ?? $"127.0.0.1:5000/managed/{nick}@{digest}", digest,
            "127.0.0.1:5000/fntest/busybox:1", "sha256:" + new string('b', 64), 1, DateTimeOffset.UtcNow);
        await fixture.Store.AddVersionAsync(version);
        return version;
    }
}
