using System.Text.Json;
using ManagedImages.Api;
using ManagedImages.Builds;
using ManagedImages.Functions.Durable;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests;

/// <summary>Base pushes through the Event Grid and ACR webhook triggers, on the services the Functions app composes.</summary>
[Trait("Category", "Stack")]
public sealed class BasePushWebhooksTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(3);

    private WebhooksFunctions Functions => new(
        host.Services.CreateScope().ServiceProvider.GetRequiredService<WebhooksEndpoints>(),
        host.Services.GetRequiredService<BoundDurableClient>());

    private BuildStore Builds => host.Services.GetRequiredService<BuildStore>();

    private RegistryClient Registry => host.Services.GetRequiredService<RegistryClient>();

    private static string DigestOf(ImageReference pushed) => pushed.Digest?.ToString() ?? throw new InvalidOperationException("pushed without a digest");

    private static string Unique(string prefix) => UniqueNames.Of(prefix);

    /// <summary>Pushes busybox base <paramref name="baseVersion"/> as tag 1 of <paramref name="repository"/>; returns it pinned.</summary>
    private Task<ImageReference> PushBaseAsync(string repository, string baseVersion) =>
        BusyboxImage.PushPinnedAsync(Registry, ImageReference.Parse($"{LocalStack.Registry}/{repository}:1"), baseVersion, CancellationToken.None);

    private static string ImagePushed(string repository, string tag, string digest) =>
        JsonSerializer.Serialize(new[]
        {
            new
            {
                id = Guid.NewGuid().ToString(),
                topic = "/subscriptions/s/resourceGroups/g/providers/Microsoft.ContainerRegistry/registries/r",
                subject = $"{repository}:{tag}",
                eventType = "Microsoft.ContainerRegistry.ImagePushed",
                eventTime = "2026-11-30T00:00:00Z",
                dataVersion = "1.0",
                metadataVersion = "1",
                data = new
                {
                    id = "e1",
                    timestamp = "2026-11-30T00:00:00Z",
                    action = "push",
                    target = new { mediaType = "application/vnd.oci.image.manifest.v1+json", size = 400, digest, length = 400, repository, tag },
                    request = new { id = "r1", host = LocalStack.Registry, method = "PUT", useragent = "test" },
                },
            },
        });

    private static string AcrPush(string repository, string tag, string digest) =>
        JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid().ToString(),
            timestamp = "2026-11-30T00:00:00Z",
            action = "push",
            target = new { mediaType = "application/vnd.oci.image.manifest.v1+json", size = 400, digest, length = 400, repository, tag },
            request = new { id = "r1", host = LocalStack.Registry, method = "PUT", useragent = "test" },
        });

    /// <summary>A registration on <paramref name="baseReference"/> with a version 1 built on <paramref name="baseDigest"/> (Ready).</summary>
    private async Task<string> RegisterReadyAsync(string baseReference, string baseDigest)
    {
        var nickname = Unique("bp");
        var registration = new Registrations.Registration
        {
            Base = baseReference,
            Files = [new FileSpec { Path = "/etc/greeting", Content = nickname + "\n" }],
        };
        await host.Store.SaveAsync(nickname, registration, ifMatch: null);
        await host.Store.AddVersionAsync(new ImageVersion(
            nickname, 1, $"{LocalStack.Registry}/fntest-managed/{nickname}:v1", "sha256:" + new string('c', 64),
            baseReference, baseDigest, 1, DateTimeOffset.UtcNow));
        return nickname;
    }

    private async Task<BuildRecord> FinishedAsync(BuildKey key)
    {
        var deadline = DateTimeOffset.UtcNow + BuildTimeout;
        while (true)
        {
            var record = await Builds.GetAsync(key, CancellationToken.None);
            if (record is { Status: not BuildStatus.Building }) return record;
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"the upgrade {key} did not finish within {BuildTimeout}: {record?.Status}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task The_subscription_validation_handshake_echoes_the_validation_code()
    {
        var durable = DurableClients.Create();
        var body = """
            [{"id": "2d1781af-3a4c-4d7c-bd0c-e34b19da4e66", "topic": "/subscriptions/s", "subject": "",
              "data": {"validationCode": "512d38b6-c7b8-40c8-89fe-f46f9e9622b6", "validationUrl": "https://rp.example.test/validate?code=x"},
              "eventType": "Microsoft.EventGrid.SubscriptionValidationEvent", "eventTime": "2026-11-30T00:00:00Z",
              "metadataVersion": "1", "dataVersion": "1"}]
            """;

        var answer = await Requests.WriteAsync(await Functions.EventGrid(Requests.Create("POST", "/api/webhooks/eventgrid", body), durable.Object));

        Assert.Equal(200, answer.Status);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", answer.Body.GetProperty("validationResponse").GetString());
        durable.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"eventType\": 3}")]
    public async Task A_body_that_is_not_Event_Grid_events_answers_400(string body)
    {
        var answer = await Requests.WriteAsync(await Functions.EventGrid(
            Requests.Create("POST", "/api/webhooks/eventgrid", body), DurableClients.Create().Object));

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_pushed_event_upgrades_only_the_unpinned_image_run_recently_and_a_duplicate_starts_nothing()
    {
        var repository = Unique("bpbase");
        var first = await PushBaseAsync(repository, "first");
        var baseReference = $"{LocalStack.Registry}/{repository}:1";
        var recent = await RegisterReadyAsync(baseReference, DigestOf(first));
        var stale = await RegisterReadyAsync(baseReference, DigestOf(first));
        var never = await RegisterReadyAsync(baseReference, DigestOf(first));
        var pinned = await RegisterReadyAsync(baseReference, DigestOf(first));
        await host.Store.PinAsync(pinned, 1);
        await host.Store.RecordRunAsync(recent, baseReference, DateTimeOffset.UtcNow.AddMinutes(-5));
        await host.Store.RecordRunAsync(pinned, baseReference, DateTimeOffset.UtcNow.AddMinutes(-5));
        await host.Store.RecordRunAsync(stale, baseReference, DateTimeOffset.UtcNow.AddDays(-8));
        var pushed = DigestOf(await PushBaseAsync(repository, "second"));

        var answer = await Requests.WriteAsync(await Functions.EventGrid(
            Requests.Create("POST", "/api/webhooks/eventgrid", ImagePushed(repository, "1", pushed)), DurableClients.Create().Object));

        Assert.Equal(200, answer.Status);
        Assert.Equal(1, answer.Body.GetProperty("upgradesStarted").GetInt32());
        var basePush = answer.Body.GetProperty("pushes")[0].GetProperty("basePush");
        Assert.Equal("Handled", basePush.GetProperty("outcome").GetString());
        Assert.Equal(2, basePush.GetProperty("recentlyRun").GetInt32());
        Assert.Equal([recent], basePush.GetProperty("upgradesStarted").EnumerateArray().Select(e => e.GetString()));
        var upgrade = await Builds.GetAsync(new BuildKey(recent, 1, pushed), CancellationToken.None);
        Assert.NotNull(upgrade);
        Assert.Equal(2, upgrade.Version);
        Assert.Empty(upgrade.Waiters);
        Assert.Null(await Builds.GetAsync(new BuildKey(stale, 1, pushed), CancellationToken.None));
        Assert.Null(await Builds.GetAsync(new BuildKey(never, 1, pushed), CancellationToken.None));
        Assert.Null(await Builds.GetAsync(new BuildKey(pinned, 1, pushed), CancellationToken.None));

        // The same push again, through the ACR webhook this time, while the upgrade builds or after it is done.
        var again = await Requests.WriteAsync(await Functions.AcrPush(
            Requests.Create("POST", "/api/webhooks/acr", AcrPush(repository, "1", pushed)), DurableClients.Create().Object));

        Assert.Equal(200, again.Status);
        Assert.Equal("Ignored", again.Body.GetProperty("outcome").GetString());
        Assert.Equal("Handled", again.Body.GetProperty("basePush").GetProperty("outcome").GetString());
        Assert.Equal(0, again.Body.GetProperty("basePush").GetProperty("upgradesStarted").GetArrayLength());
        var finished = await FinishedAsync(upgrade.Key);
        Assert.Equal(2, finished.Version);
        Assert.True(finished.Status == BuildStatus.Succeeded, $"the upgrade failed: {finished.Error}");
        var upgraded = await host.Store.GetAsync(recent);
        Assert.Equal(2, upgraded!.CurrentVersion);
        Assert.Equal(pushed, (await host.Store.GetVersionsAsync(recent))[0].BaseDigest);
        Assert.Equal(1, (await host.Store.GetAsync(stale))!.CurrentVersion);
    }

    [Fact]
    public async Task An_event_for_a_digest_the_tag_no_longer_points_to_is_ignored()
    {
        var repository = Unique("bpbase");
        var first = await PushBaseAsync(repository, "first");
        var baseReference = $"{LocalStack.Registry}/{repository}:1";
        var nickname = await RegisterReadyAsync(baseReference, DigestOf(first));
        await host.Store.RecordRunAsync(nickname, baseReference, DateTimeOffset.UtcNow);
        var older = DigestOf(await PushBaseAsync(repository, "second"));
        var newest = DigestOf(await PushBaseAsync(repository, "third"));

        var answer = await Requests.WriteAsync(await Functions.EventGrid(
            Requests.Create("POST", "/api/webhooks/eventgrid", ImagePushed(repository, "1", older)), DurableClients.Create().Object));

        Assert.Equal(200, answer.Status);
        Assert.Equal(0, answer.Body.GetProperty("upgradesStarted").GetInt32());
        var basePush = answer.Body.GetProperty("pushes")[0].GetProperty("basePush");
        Assert.Equal("Ignored", basePush.GetProperty("outcome").GetString());
        Assert.Contains($"points to {newest} now", basePush.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await Builds.GetAsync(new BuildKey(nickname, 1, older), CancellationToken.None));
        Assert.Null(await Builds.FindByVersionAsync(nickname, 2, CancellationToken.None));
    }
}
