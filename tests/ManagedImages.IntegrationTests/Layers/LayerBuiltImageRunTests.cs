using Docker.DotNet;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.IntegrationTests.Layers;

/// <summary>The image the layer builder writes runs on the real Docker engine, pulled by digest.</summary>
[Trait("Category", "Stack")]
public sealed class LayerBuiltImageRunTests(LayerBuilderFixture fixture) : IClassFixture<LayerBuilderFixture>
{
    [Fact]
    public async Task The_built_image_runs_on_docker_with_the_added_files_env_entrypoint_and_removal()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await LocalStack.RequireDockerAsync(timeout.Token);
        var configuration = LocalStack.Configuration(new Dictionary<string, string?> { ["Docker:NetworkMode"] = "none" });
        await using var services = new ServiceCollection().AddLogging().AddDockerJobLauncher(configuration).BuildServiceProvider();
        var docker = services.GetRequiredService<IDockerClient>();

        var nickname = UniqueNames.Of("runs");
        var built = await fixture.Builder.BuildAsync(
            new BuildRequest(nickname, 1, 1, LayerBuilderTests.Greeter(fixture.Base.Tag.ToString()), fixture.Base.Version1.Digest), timeout.Token);
        var launcher = services.GetRequiredService<IJobLauncher>();
        var jobName = $"it-layers-{nickname}";

        try
        {
            await launcher.LaunchAsync(
                new JobRequest(jobName, built.Image, [], new Dictionary<string, string>(), new Dictionary<string, string>()), timeout.Token);
            var result = await launcher.WaitAsync(jobName, timeout.Token);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("hi hello from custom base=1", result.LogTail);
            Assert.Contains("ls-removed", result.LogTail);
        }
        finally
        {
            // The engine pulled the image for this test only.
            await DockerImportedBusybox.RemoveLocalAsync(docker, built.Image, CancellationToken.None);
        }
    }
}
