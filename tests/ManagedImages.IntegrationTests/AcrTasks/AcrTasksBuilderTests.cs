using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Oci;

namespace ManagedImages.IntegrationTests.AcrTasks;

[Trait("Category", "Stack")]
public sealed class AcrTasksBuilderTests
{
    private const string Dockerfile = "FROM base@sha256:abc\nRUN [\"/bin/sh\", \"-c\", \"apt-get install curl\"]\nADD customizations.tar.gz /\n";

    private static AcrBuildContext Context() => new(
        Dockerfile,
        new Dictionary<string, byte[]> { ["customizations.tar.gz"] = "files of the registration"u8.ToArray() },
        new Dictionary<string, string> { ["MANAGED_IMAGES_PIP_INDEX_URL"] = "http://127.0.0.1:3141/simple" });

    [Fact]
    public async Task A_succeeded_run_is_published_as_the_version_with_OCI_media_types_and_the_annotations()
    {
        await using var world = await AcrBuildWorld.StartAsync();
        var pushed = await world.PushWorkingImageAsync();
        world.RunsPush(pushed);
        var request = world.Request();

        var built = await world.Builder.BuildAsync(request, Context(), CancellationToken.None);

        Assert.Equal(["https://management.azure.com/.default"], world.Credential.Scopes.Distinct());
        var schedule = JsonNode.Parse(Assert.Single(world.ArmRequests("POST", "/scheduleRun")).Body)!.AsObject();
        Assert.Equal("DockerBuildRequest", schedule["type"]!.GetValue<string>());
        Assert.Equal([$"{world.Repository}:build-v1"], schedule["imageNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(schedule["isPushEnabled"]!.GetValue<bool>());
        Assert.False(schedule["noCache"]!.GetValue<bool>());
        Assert.Equal("Dockerfile", schedule["dockerFilePath"]!.GetValue<string>());
        Assert.Equal("Linux", schedule["platform"]!["os"]!.GetValue<string>());
        Assert.Equal("amd64", schedule["platform"]!["architecture"]!.GetValue<string>());
        Assert.Equal(300, schedule["timeout"]!.GetValue<int>());
        Assert.Equal("MANAGED_IMAGES_PIP_INDEX_URL", schedule["arguments"]![0]!["name"]!.GetValue<string>());

        // The source named in the run is the blob uploaded, and it holds the Dockerfile and the context's files.
        var source = schedule["sourceLocation"]!.GetValue<string>();
        var files = await UntarAsync(world.Arm.Blobs[source]);
        Assert.Equal(Dockerfile, Encoding.UTF8.GetString(files["Dockerfile"]));
        Assert.Equal("files of the registration", Encoding.UTF8.GetString(files["customizations.tar.gz"]));
        Assert.True(world.Arm.Runs["cb1"].Reads >= 3, "the run was read until it succeeded (Queued, Running, Succeeded)");

        var version = await world.RegistryClient.GetManifestAsync(ImageReference.Parse($"{world.Registry}/{world.Repository}:v1"), CancellationToken.None);
        Assert.NotNull(version);
        Assert.Equal(built.Digest, version.Digest.ToString());
        Assert.Equal($"{world.Registry}/{world.Repository}@{built.Digest}", built.Image);
        Assert.Equal(request.BaseDigest, built.BaseDigest);
        var manifest = JsonSerializer.Deserialize<ImageManifest>(version.Bytes)!;
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(MediaTypes.OciConfig, manifest.Config.MediaType);
        Assert.All(manifest.Layers, l => Assert.Equal(MediaTypes.OciLayerGzip, l.MediaType));
        var working = JsonSerializer.Deserialize<ImageManifest>((await world.RegistryClient.GetManifestAsync(
            new ImageReference(world.Registry, world.Repository, null, pushed), CancellationToken.None))!.Bytes)!;
        Assert.Equal(working.Config.Digest, manifest.Config.Digest);
        Assert.Equal(working.Layers.Select(l => l.Digest), manifest.Layers.Select(l => l.Digest));
        Assert.Equal(new Dictionary<string, string>
        {
            [AnnotationKeys.BaseName] = $"{world.Registry}/it-acr-bases/busybox:stable",
            [AnnotationKeys.BaseDigest] = request.BaseDigest,
            [AnnotationKeys.Nickname] = world.Nickname,
            [AnnotationKeys.Version] = "1",
            [AnnotationKeys.Revision] = "3",
        }, manifest.Annotations);
    }

    [Theory]
    [InlineData(nameof(FakeAcrTasks.ScheduleAnswer.AsyncOperationAndLocation))]
    [InlineData(nameof(FakeAcrTasks.ScheduleAnswer.LocationOnly))]
    public async Task A_scheduleRun_answered_202_is_followed_to_its_run(string headers)
    {
        var answer = Enum.Parse<FakeAcrTasks.ScheduleAnswer>(headers);
        await using var world = await AcrBuildWorld.StartAsync();
        world.RunsPush(await world.PushWorkingImageAsync());
        world.Arm.Answer = answer;

        var built = await world.Builder.BuildAsync(world.Request(), Context(), CancellationToken.None);

        Assert.Equal(built.Digest, (await world.RegistryClient.ResolveDigestAsync(
            ImageReference.Parse($"{world.Registry}/{world.Repository}:v1"), CancellationToken.None))?.ToString());
        Assert.Equal(2, world.ArmRequests("GET", "/operationResults/cb1").Count());
        Assert.Equal(answer == FakeAcrTasks.ScheduleAnswer.AsyncOperationAndLocation ? 2 : 0, world.ArmRequests("GET", "/operationStatuses/cb1").Count());
        Assert.NotEmpty(world.ArmRequests("GET", "/runs/cb1"));
    }

    [Fact]
    public async Task A_failed_run_fails_the_build_with_its_error_and_the_tail_of_its_log()
    {
        await using var world = await AcrBuildWorld.StartAsync();
        world.Arm.Statuses = ["Queued", "Running", "Failed"];
        world.Arm.RunErrorMessage = "failed during run, err: exit status 100";
        world.Arm.Log = string.Join('\n', Enumerable.Range(1, 200).Select(i => $"log line {i}")) +
            "\nE: Unable to locate package curl\nRun ID: cb1 failed after 41s. Error: failed during run, err: exit status 100\n";

        var failure = await Assert.ThrowsAsync<AcrRunFailedException>(() => world.Builder.BuildAsync(world.Request(), Context(), CancellationToken.None));

        Assert.Equal("Failed", failure.Status);
        Assert.Equal("cb1", failure.RunId);
        Assert.Contains("run cb1 building v1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("ended Failed: failed during run, err: exit status 100", failure.Message, StringComparison.Ordinal);
        Assert.Contains("E: Unable to locate package curl", failure.Message, StringComparison.Ordinal);
        Assert.Equal("Run ID: cb1 failed after 41s. Error: failed during run, err: exit status 100", failure.LogTail[^1]);
        Assert.DoesNotContain("log line 1\n", failure.Message, StringComparison.Ordinal);
        Assert.Equal(30, failure.LogTail.Count);
        Assert.Null(await world.RegistryClient.ResolveDigestAsync(ImageReference.Parse($"{world.Registry}/{world.Repository}:v1"), CancellationToken.None));
    }

    [Fact]
    public async Task A_run_that_never_finishes_is_cancelled_when_the_time_limit_passes()
    {
        await using var world = await AcrBuildWorld.StartAsync(timeout: TimeSpan.FromSeconds(3));
        world.Arm.Statuses = ["Queued", "Running"];
        world.Arm.Log = "Step 2/4 : RUN apt-get update\n";

        var failure = await Assert.ThrowsAsync<AcrRunFailedException>(() => world.Builder.BuildAsync(world.Request(), Context(), CancellationToken.None));

        Assert.Contains("run cb1 of v1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("did not finish within 00:00:03 (Builds:AcrTasks:Timeout) and was cancelled", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Step 2/4 : RUN apt-get update", failure.Message, StringComparison.Ordinal);
        Assert.Single(world.ArmRequests("POST", "/runs/cb1/cancel"));
        Assert.True(world.Arm.Runs["cb1"].Cancelled);
    }

    [Fact]
    public async Task A_build_its_caller_gives_up_cancels_the_run()
    {
        await using var world = await AcrBuildWorld.StartAsync();
        world.Arm.Statuses = ["Running"];
        using var caller = new CancellationTokenSource();
        var building = world.Builder.BuildAsync(world.Request(), Context(), caller.Token);
        await WaitForAsync(() => world.ArmRequests("GET", "/runs/cb1").Any(), "the run to be polled");

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => building);
        Assert.Single(world.ArmRequests("POST", "/runs/cb1/cancel"));
    }

    [Fact]
    public async Task A_throttled_poll_waits_for_the_Retry_After_before_asking_again()
    {
        await using var world = await AcrBuildWorld.StartAsync();
        world.RunsPush(await world.PushWorkingImageAsync());
        world.Arm.ThrottledPolls = 1;
        world.Arm.RetryAfterSeconds = 2;

        await world.Builder.BuildAsync(world.Request(), Context(), CancellationToken.None);

        var polls = world.ArmRequests("GET", "/runs/cb1").ToList();
        Assert.True(polls.Count >= 4, $"the throttled read and the three statuses; got {polls.Count}");
        var gap = polls[1].At - polls[0].At;
        Assert.True(gap >= TimeSpan.FromSeconds(1.9), $"the second read came {gap} after the 429 that asked for 2 s");
    }

    [Fact]
    public async Task A_build_whose_version_is_published_already_schedules_no_second_run()
    {
        await using var world = await AcrBuildWorld.StartAsync();
        world.RunsPush(await world.PushWorkingImageAsync());
        var first = await world.Builder.BuildAsync(world.Request(), Context(), CancellationToken.None);

        var again = await world.Builder.BuildAsync(world.Request(), Context(), CancellationToken.None);

        Assert.Equal(first, again);
        Assert.Single(world.ArmRequests("POST", "/scheduleRun"));
    }

    [Fact]
    public async Task An_ARM_refusal_names_the_operation_and_the_ARM_error()
    {
        await using var world = await AcrBuildWorld.StartAsync();
        world.Arm.ScheduleRefusal = (HttpStatusCode.Forbidden, "AuthorizationFailed",
            "The client does not have authorization to perform action 'Microsoft.ContainerRegistry/registries/scheduleRun/action'.");

        var failure = await Assert.ThrowsAsync<ArmRequestException>(() => world.Builder.BuildAsync(world.Request(), Context(), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Forbidden, failure.Status);
        Assert.Equal("AuthorizationFailed", failure.Code);
        Assert.StartsWith("scheduleRun failed: ARM answered 403 Forbidden (AuthorizationFailed: The client does not have authorization", failure.Message, StringComparison.Ordinal);
        Assert.Contains("needs a role that may schedule runs", failure.Message, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, byte[]>> UntarAsync(byte[] archive)
    {
        var files = new Dictionary<string, byte[]>();
        await using var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            using var content = new MemoryStream();
            if (entry.DataStream is not null) await entry.DataStream.CopyToAsync(content);
            files[entry.Name] = content.ToArray();
        }
        return files;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"gave up waiting for {what}");
            await Task.Delay(50);
        }
    }
}
