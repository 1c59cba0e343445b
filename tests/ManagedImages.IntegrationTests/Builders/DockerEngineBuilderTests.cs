using System.Text.Json;
using Docker.DotNet.Models;
using ManagedImages.Builders;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ManagedImages.IntegrationTests.Builders;

[CollectionDefinition(Name)]
public sealed class DockerBuildsDefinition : ICollectionFixture<DockerBuildFixture>
{
    public const string Name = "Docker builds";
}

/// <summary>Package builds on the real Docker engine, installing from a local apt repository, pushed to the real registry.</summary>
[Trait("Category", "Stack")]
[Collection(DockerBuildsDefinition.Name)]
public sealed class DockerEngineBuilderTests(DockerBuildFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task A_package_is_installed_and_recorded_and_a_rebuild_on_a_new_base_installs_the_recorded_version_not_the_newer_one()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var nickname = DockerBuildFixture.NewNickname("apt");
        var registration = new Registration
        {
            Base = fixture.BaseTag.ToString(),
            Packages = new PackageSpec { Apt = ["mi-hello"] },
            Cmd = ["mi-hello"],
        };
        Assert.Empty(RegistrationValidator.Validate(nickname, registration));

        var v1 = await fixture.Builder.BuildAsync(new BuildRequest(nickname, 1, 1, registration, fixture.BaseDigest1), timeout.Token);
        Assert.Contains("mi-hello 1.0", await RunAsync(v1, timeout.Token));
        var recorded1 = await fixture.Recordings.GetAsync(nickname, 1, timeout.Token);
        Assert.NotNull(recorded1);
        Assert.True(recorded1.Succeeded);
        Assert.Equal("1.0", recorded1.Packages.Apt["mi-hello"]);
        Assert.True(recorded1.Packages.Apt.ContainsKey("dpkg"), "the lock lists every installed package, the base's too");

        // A newer package and a new base: the same registration revision still gets 1.0.
        await fixture.Apt.PublishAsync("mi-hello", "1.1", timeout.Token);
        var baseDigest2 = await fixture.PushBaseAsync(2, timeout.Token);
        Assert.NotEqual(fixture.BaseDigest1, baseDigest2);
        var v2 = await fixture.Builder.BuildAsync(new BuildRequest(nickname, 2, 1, registration, baseDigest2), timeout.Token);
        Assert.Contains("mi-hello 1.0", await RunAsync(v2, timeout.Token));
        Assert.Equal("1.0", (await fixture.Recordings.GetAsync(nickname, 2, timeout.Token))!.Packages.Apt["mi-hello"]);
        Assert.Equal(baseDigest2, v2.BaseDigest);

        // The control: a new revision resolves afresh and gets 1.1 from the same source, so the pin above was the recording's doing.
        var v3 = await fixture.Builder.BuildAsync(new BuildRequest(nickname, 3, 2, registration, baseDigest2), timeout.Token);
        Assert.Contains("mi-hello 1.1", await RunAsync(v3, timeout.Token));
    }

    [Fact]
    public async Task The_published_version_is_an_oci_manifest_with_the_layer_only_annotations_and_its_whole_log_is_kept()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var nickname = DockerBuildFixture.NewNickname("annot");
        var registration = new Registration { Base = fixture.BaseTag.ToString(), Packages = new PackageSpec { Apt = ["mi-hello=1.0"] } };

        var built = await fixture.Builder.BuildAsync(new BuildRequest(nickname, 1, 7, registration, fixture.BaseDigest1), timeout.Token);

        var reference = ImageReference.Parse(built.Image);
        Assert.Equal(built.Digest, reference.Digest.ToString());
        var tagged = await fixture.RegistryClient.ResolveDigestAsync(reference.WithTag("v1"), timeout.Token);
        Assert.Equal(built.Digest, tagged.ToString());
        var content = await fixture.RegistryClient.GetManifestAsync(reference, timeout.Token);
        Assert.Equal(MediaTypes.OciManifest, content!.MediaType);
        var manifest = JsonSerializer.Deserialize<ImageManifest>(content.Bytes)!;
        Assert.Equal(MediaTypes.OciConfig, manifest.Config.MediaType);
        Assert.All(manifest.Layers, l => Assert.Equal(MediaTypes.OciLayerGzip, l.MediaType));
        Assert.Equal(fixture.BaseTag.ToString(), manifest.Annotations![AnnotationKeys.BaseName]);
        Assert.Equal(fixture.BaseDigest1, manifest.Annotations[AnnotationKeys.BaseDigest]);
        Assert.Equal(nickname, manifest.Annotations[AnnotationKeys.Nickname]);
        Assert.Equal("1", manifest.Annotations[AnnotationKeys.Version]);
        Assert.Equal("7", manifest.Annotations[AnnotationKeys.Revision]);
        // The working tag the engine pushed is gone; only the version's tag remains.
        Assert.Null(await fixture.RegistryClient.ResolveDigestAsync(reference.WithTag(WorkingTag.For(1)), timeout.Token));

        var log = await fixture.Recordings.GetBuildLogAsync(nickname, 1, timeout.Token);
        Assert.NotNull(log);
        foreach (var line in log.Where(l => l.Contains("(at ", StringComparison.Ordinal) || l.StartsWith("Step ", StringComparison.Ordinal))) output.WriteLine(line);
        Assert.Contains(log, l => l.Contains("FROM " + fixture.BaseTag.WithDigest(Digest.Parse(fixture.BaseDigest1)), StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("Setting up mi-hello (1.0)", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("Published " + built.Image, StringComparison.Ordinal));

        // The lock can be read back from the pushed layers too (how ACR Tasks builds are recorded): the same versions.
        var fromLayers = await fixture.Services.GetRequiredService<PackageLockReader>().ReadAsync(reference, timeout.Token);
        Assert.Equal((await fixture.Recordings.GetAsync(nickname, 1, timeout.Token))!.Packages.Apt, fromLayers!.Apt);

        // Building the same version again (a retried activity) finds it instead of making another image.
        var again = await fixture.Builder.BuildAsync(new BuildRequest(nickname, 1, 7, registration, fixture.BaseDigest1), timeout.Token);
        Assert.Equal(built, again);
    }

    [Fact]
    public async Task A_failed_install_throws_with_the_package_managers_message_and_the_log_tail_and_keeps_the_log()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var nickname = DockerBuildFixture.NewNickname("fail");
        var registration = new Registration { Base = fixture.BaseTag.ToString(), Packages = new PackageSpec { Apt = ["mi-missing"] } };

        var failure = await Assert.ThrowsAsync<ImageBuildFailedException>(() =>
            fixture.Builder.BuildAsync(new BuildRequest(nickname, 1, 1, registration, fixture.BaseDigest1), timeout.Token));

        Assert.Contains("could not build v1", failure.Message, StringComparison.Ordinal);
        Assert.Contains(failure.LogTail, l => l.Contains("Unable to locate package mi-missing", StringComparison.Ordinal));
        Assert.Contains("Unable to locate package mi-missing", failure.Message, StringComparison.Ordinal);
        var recording = await fixture.Recordings.GetAsync(nickname, 1, timeout.Token);
        Assert.False(recording!.Succeeded);
        var log = await fixture.Recordings.GetBuildLogAsync(nickname, 1, timeout.Token);
        Assert.Contains(log!, l => l.Contains("Unable to locate package mi-missing", StringComparison.Ordinal));
        Assert.Null(await fixture.RegistryClient.ResolveDigestAsync(
            new ImageReference(fixture.Registry, $"it-builders/{nickname}", "v1", null), timeout.Token));
    }

    [Fact]
    public async Task A_cancelled_build_stops_and_the_engine_removes_its_build_container()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var nickname = DockerBuildFixture.NewNickname("cancel");
        var registration = new Registration { Base = fixture.BaseTag.ToString(), Packages = new PackageSpec { Apt = ["mi-hello"] } };
        var baseImage = await fixture.Docker.Images.InspectImageAsync(fixture.BaseTag.WithDigest(Digest.Parse(fixture.BaseDigest1)).ToString(), timeout.Token);
        var requestsBefore = fixture.Apt.Requests;
        fixture.Apt.Stalled = true;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var build = fixture.Builder.BuildAsync(new BuildRequest(nickname, 1, 1, registration, fixture.BaseDigest1), limit.Token);
            // apt-get update is waiting on the stalled source: the build is inside its RUN container now.
            while (fixture.Apt.Requests == requestsBefore && !build.IsCompleted) await Task.Delay(200, timeout.Token);
            Assert.False(build.IsCompleted, "the build ended before it reached the package source");
            Assert.NotEmpty(await BuildContainersAsync(baseImage.ID, timeout.Token));

            await limit.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => build);
        }
        finally
        {
            fixture.Apt.Stalled = false;
        }

        // The engine notices the closed connection, kills the RUN container and removes it.
        var remaining = await BuildContainersAsync(baseImage.ID, timeout.Token);
        for (var i = 0; i < 120 && remaining.Count > 0; i++)
        {
            await Task.Delay(500, timeout.Token);
            remaining = await BuildContainersAsync(baseImage.ID, timeout.Token);
        }
        Assert.Empty(remaining);
        var log = await fixture.Recordings.GetBuildLogAsync(nickname, 1, timeout.Token);
        Assert.Contains(log!, l => l.Contains("cancelled", StringComparison.Ordinal));
    }

    private async Task<IList<ContainerListResponse>> BuildContainersAsync(string baseImageId, CancellationToken cancellationToken) =>
        await fixture.Docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["ancestor"] = new Dictionary<string, bool> { [baseImageId] = true } },
        }, cancellationToken);

    private async Task<IReadOnlyList<string>> RunAsync(BuiltImage built, CancellationToken cancellationToken)
    {
        var job = JobNames.FromRunId($"it-builders-{Guid.NewGuid().ToString("N")[..12]}");
        await fixture.Launcher.LaunchAsync(new JobRequest(job, built.Image, [], new Dictionary<string, string>(), new Dictionary<string, string>()), cancellationToken);
        var result = await fixture.Launcher.WaitAsync(job, cancellationToken);
        await fixture.Docker.Containers.RemoveContainerAsync(job, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        Assert.Equal(0, result.ExitCode);
        return result.LogTail;
    }
}
