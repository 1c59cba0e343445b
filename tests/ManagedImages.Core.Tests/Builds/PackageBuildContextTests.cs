using System.Formats.Tar;
using System.IO.Compression;
using ManagedImages.Builds;
using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Builds;

public class PackageBuildContextTests
{
    private const string Digest = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    [Fact]
    public async Task The_context_holds_the_pinned_dockerfile_the_files_tar_and_the_configured_sources_as_build_arguments()
    {
        var registration = new Registration
        {
            Base = "127.0.0.1:5000/bases/debian:bookworm",
            Files = [new FileSpec { Path = "/opt/app/run.sh", Content = "echo hi\n", Mode = "0755" }],
            Remove = ["/etc/motd"],
            Packages = new PackageSpec { Apt = ["mi-hello"] },
        };
        var options = new PackageBuildOptions();
        options.Apt.Sources.Add("deb [trusted=yes] http://127.0.0.1:8080/ ./");
        options.Apt.Sources.Add("  ");
        options.Pip.IndexUrl = " http://127.0.0.1:8081/simple ";
        var recorded = new BuildRecording("team", 1, 1, Digest, true, ResolvedPackages.ParseLock("apt mi-hello=1.0\n"), DateTimeOffset.UnixEpoch);

        var context = await PackageBuildContext.CreateAsync(new BuildRequest("team", 2, 1, registration, Digest), recorded, options, CancellationToken.None);

        Assert.Contains($"FROM 127.0.0.1:5000/bases/debian@{Digest}\n", context.Dockerfile, StringComparison.Ordinal);
        Assert.Contains("\"mi-hello=1.0\"", context.Dockerfile, StringComparison.Ordinal);
        Assert.Same(recorded, context.PinnedFrom);
        Assert.Equal("deb [trusted=yes] http://127.0.0.1:8080/ ./", context.Arguments[DockerfileWriter.AptSourcesArg]);
        Assert.Equal("http://127.0.0.1:8081/simple", context.Arguments[DockerfileWriter.PipIndexUrlArg]);
        Assert.Empty(context.Notes);

        // The files' tar has the files with their modes and no whiteouts (removals are a RUN step).
        var entries = new List<TarEntry>();
        using (var gzip = new GZipStream(new MemoryStream(Assert.Single(context.Files, f => f.Key == DockerfileWriter.FilesArchive).Value), CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry) entries.Add(entry);
        }
        var script = Assert.Single(entries, e => e.Name == "opt/app/run.sh");
        Assert.Equal((UnixFileMode)0b111_101_101, script.Mode);
        Assert.DoesNotContain(entries, e => e.Name.Contains(".wh.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_files_or_sources_the_context_is_the_dockerfile_alone()
    {
        var registration = new Registration { Base = "debian", Packages = new PackageSpec { Apt = ["jq"] } };
        var context = await PackageBuildContext.CreateAsync(new BuildRequest("team", 1, 1, registration, Digest), null, new PackageBuildOptions(), CancellationToken.None);
        Assert.Empty(context.Files);
        Assert.Empty(context.Arguments);
        Assert.Null(context.PinnedFrom);
    }
}
