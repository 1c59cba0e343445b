using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Oci;
using ManagedImages.Registrations;

namespace ManagedImages.IntegrationTests.Builders;

/// <summary>
/// Values that validation accepts but that would break or escape a naively written Dockerfile, built by the real
/// engine from the generated Dockerfile: the image holds exactly those values, and nothing in them ran.
/// </summary>
[Trait("Category", "Stack")]
[Collection(DockerBuildsDefinition.Name)]
public sealed class HostileValuesBuildTests(DockerBuildFixture fixture)
{
    private const string QuotedPath = "/opt/it/a \"quoted\" $(touch /pwned-file) `id` name";
    private const string NewlinePath = "/opt/it/line\nRUN touch /pwned-path";

    [Fact]
    public async Task Quotes_substitutions_and_line_breaks_reach_the_image_exactly_and_never_run()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var env = new Dictionary<string, string>
        {
            ["QUOTES"] = "he said \"hi\" \\ and left\\",
            ["SUBST"] = "$(touch /pwned-env) ${HOME} $HOME `id`",
            ["NEWLINE"] = "first\nRUN touch /pwned-newline",
        };
        var labels = new Dictionary<string, string> { ["org.example.\"note\""] = "$HOME \"x\"", ["multi"] = "a\nb" };
        var registration = new Registration
        {
            Base = fixture.BaseTag.ToString(),
            Files =
            [
                new FileSpec { Path = QuotedPath, Content = "one\n" },
                new FileSpec { Path = NewlinePath, Content = "two\n", Mode = "0600" },
            ],
            Remove = ["/etc/debian_version", "/opt/none \"x\" $(touch /pwned-rm)"],
            Env = env,
            Labels = labels,
            Workdir = "/srv/$HOME/we ird",
            Entrypoint = ["/bin/sh", "-c"],
            Cmd =
            [
                "cat \"$1\"; stat -c %a \"$2\"; test -e /etc/debian_version && echo debian-version-kept; " +
                "for f in /pwned-file /pwned-path /pwned-env /pwned-newline /pwned-rm; do test -e $f && echo found $f; done; " +
                "printenv SUBST; pwd; echo end",
                "sh", QuotedPath, NewlinePath,
            ],
        };
        Assert.Empty(RegistrationValidator.Validate("hostile", registration));

        var nickname = DockerBuildFixture.NewNickname("hostile");
        // No packages: the engine builder builds it from the Dockerfile all the same (the planned builder would rebase it).
        var built = await fixture.EngineBuilder.BuildAsync(new BuildRequest(nickname, 1, 1, registration, fixture.BaseDigest1), timeout.Token);

        var config = await ConfigAsync(built, timeout.Token);
        var imageEnv = config["config"]!["Env"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
        foreach (var (name, value) in env) Assert.Contains($"{name}={value}", imageEnv);
        var imageLabels = config["config"]!["Labels"]!.AsObject();
        foreach (var (key, value) in labels) Assert.Equal(value, imageLabels[key]!.GetValue<string>());
        Assert.Equal("/srv/$HOME/we ird", config["config"]!["WorkingDir"]!.GetValue<string>());
        Assert.Equal(registration.Cmd, config["config"]!["Cmd"]!.AsArray().Select(e => e!.GetValue<string>()));

        var output = await RunAsync(built, timeout.Token);
        Assert.Equal(["one", "600", "$(touch /pwned-env) ${HOME} $HOME `id`", "/srv/$HOME/we ird", "end"], output);
    }

    private async Task<JsonObject> ConfigAsync(BuiltImage built, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(built.Image);
        var manifest = JsonSerializer.Deserialize<ImageManifest>((await fixture.RegistryClient.GetManifestAsync(reference, cancellationToken))!.Bytes)!;
        var bytes = await fixture.RegistryClient.GetBlobBytesAsync(reference.Registry, reference.Repository, manifest.Config, cancellationToken);
        return JsonNode.Parse(bytes)!.AsObject();
    }

    private async Task<IReadOnlyList<string>> RunAsync(BuiltImage built, CancellationToken cancellationToken)
    {
        var job = JobNames.FromRunId($"it-hostile-{Guid.NewGuid().ToString("N")[..12]}");
        await fixture.Launcher.LaunchAsync(new JobRequest(job, built.Image, [], new Dictionary<string, string>(), new Dictionary<string, string>()), cancellationToken);
        var result = await fixture.Launcher.WaitAsync(job, cancellationToken);
        await fixture.Docker.Containers.RemoveContainerAsync(job, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true }, CancellationToken.None);
        Assert.True(result.ExitCode == 0, string.Join('\n', result.LogTail));
        return result.LogTail;
    }
}
