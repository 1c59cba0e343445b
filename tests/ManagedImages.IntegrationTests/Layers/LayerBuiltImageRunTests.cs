using Docker.DotNet;
using Docker.DotNet.Models;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using Microsoft.Extensions.Configuration;
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
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host
            ? host
            : throw new InvalidOperationException("DOCKER_HOST is not set: the local stack provides it; start it with scripts/stack up, then eval \"$(scripts/stack env)\"");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Docker:Host"] = dockerHost, ["Docker:NetworkMode"] = "none" })
            .Build();
        await using var services = new ServiceCollection().AddLogging().AddDockerJobLauncher(configuration).BuildServiceProvider();
        var docker = services.GetRequiredService<IDockerClient>();
        try
        {
            await docker.System.PingAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"The Docker engine at DOCKER_HOST={dockerHost} does not answer ({e.Message}): start it with scripts/stack up", e);
        }

        var nickname = $"runs-{Guid.NewGuid().ToString("N")[..10]}";
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
            try
            {
                await docker.Images.DeleteImageAsync(built.Image, new ImageDeleteParameters { Force = true }, CancellationToken.None);
            }
            catch (DockerImageNotFoundException)
            {
            }
        }
    }
}
