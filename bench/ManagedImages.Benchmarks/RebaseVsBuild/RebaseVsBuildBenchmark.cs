using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Docker.DotNet;
using Docker.DotNet.Models;
using ManagedImages.Benchmarks.Harness;
using ManagedImages.Benchmarks.Rebase;
using ManagedImages.Builders;
using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Benchmarks.RebaseVsBuild;

/// <summary>
/// Figure 5: the upgrade of a layer-only registration by a rebase (LayerBuilder) against the same customization built
/// by the Docker engine from its generated Dockerfile (DockerEngineBuilder), on the same busybox base digests, both
/// published as annotated version manifests, interleaved. Each version goes onto the other of two base digests, so
/// every measured build is an upgrade onto a new base.
/// </summary>
internal sealed class RebaseVsBuildBenchmark(int repetitions, TextWriter output)
{
    private const string RepositoryPrefix = "bench-rebase-build";
    private const double Target = 20;
    private const int WarmupVersions = 2;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var registryHost = await LocalStack.RequireRegistryAsync(cancellationToken);
        await LocalStack.RequireAzuriteAsync(cancellationToken);
        await LocalStack.RequireDockerAsync(cancellationToken);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var tablePrefix = "bench" + runId;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:TablePrefix"] = tablePrefix,
                ["CustomImages:Registry"] = registryHost,
                ["CustomImages:RepositoryPrefix"] = RepositoryPrefix,
                // The customization has no RUN step; no build step needs a network.
                ["Builds:Docker:NetworkMode"] = "none",
            })
            .Build();
        await using var provider = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddDockerJobLauncher(configuration)
            .AddPackageBuilders(configuration)
            .BuildServiceProvider();
        var registry = provider.GetRequiredService<RegistryClient>();
        var docker = provider.GetRequiredService<IDockerClient>();
        var rebaser = provider.GetRequiredService<LayerBuilder>();
        var engine = provider.GetRequiredService<DockerEngineBuilder>();
        var recordings = provider.GetRequiredService<BuildRecordingStore>();
        await RequireEngineAsync(docker, cancellationToken);

        output.WriteLine($"# rebase-vs-build ({MachineInfo.Describe()})");
        var baseTag = new ImageReference(registryHost, $"{RepositoryPrefix}/base-{runId}", "latest", null);
        var rebaseNickname = "rb-" + runId;
        var engineNickname = "eb-" + runId;
        var published = new List<ImageReference>();
        IReadOnlyList<Digest> baseDigests = [];
        try
        {
            baseDigests = await BusyboxBase.PushTwoVersionsAsync(provider.GetRequiredService<ScratchImage>(), baseTag, cancellationToken);
            output.WriteLine($"Setup: busybox base {baseTag}, two versions: {baseDigests[0]} and {baseDigests[1]}");

            // The same bytes on both paths: the build-naming file holds the run id and the version, not the nickname.
            var sample = RebaseBenchmark.Customization(baseTag, runId, 1);
            output.WriteLine($"Plan of this registration: {BuildPlanner.KindOf(sample)} (the service never hands it to a builder; this benchmark does)");
            var context = await PackageBuildContext.CreateAsync(
                new BuildRequest(engineNickname, 1, 1, sample, baseDigests[0].ToString()), null, new PackageBuildOptions(), cancellationToken);
            output.WriteLine("Dockerfile the engine builds (DockerfileWriter, through PackageBuildContext), for v1:");
            output.WriteLine("```");
            output.Write(context.Dockerfile);
            output.WriteLine("```");

            var rebaseTimes = new List<double>();
            var engineTimes = new List<double>();
            var clock = Stopwatch.StartNew();
            // Repetitions -2 and -1 build v1 and v2 on each path (warmup: the engine pulls both base digests, so no
            // measured build pulls; the code is compiled).
            for (var rep = -WarmupVersions; rep < repetitions; rep++)
            {
                var version = rep + WarmupVersions + 1;
                // v1, v3, … on the first base digest, v2, v4, … on the second: every upgrade changes the base.
                var baseDigest = baseDigests[(version - 1) % 2].ToString();
                var registration = RebaseBenchmark.Customization(baseTag, runId, version);
                var rebaseRequest = new BuildRequest(rebaseNickname, version, 1, registration, baseDigest);
                var engineRequest = new BuildRequest(engineNickname, version, 1, registration, baseDigest);

                // Alternate which path goes first, so drift in the machine's load does not favour one.
                double rebaseMs, engineMs;
                if (rep % 2 == 0)
                {
                    rebaseMs = await TimeAsync(rebaser, rebaseRequest, published, cancellationToken);
                    engineMs = await TimeAsync(engine, engineRequest, published, cancellationToken);
                }
                else
                {
                    engineMs = await TimeAsync(engine, engineRequest, published, cancellationToken);
                    rebaseMs = await TimeAsync(rebaser, rebaseRequest, published, cancellationToken);
                }
                if (rep == -WarmupVersions) await CompareSettingsAsync(registry, published[^2], published[^1], cancellationToken);
                if (rep < 0) continue;
                rebaseTimes.Add(rebaseMs);
                engineTimes.Add(engineMs);
            }
            var elapsed = clock.Elapsed;

            var stages = new List<(EngineBuildStages Stages, double TotalMs)>();
            for (var version = WarmupVersions + 1; version <= WarmupVersions + repetitions; version++)
            {
                if (await recordings.GetBuildLogAsync(engineNickname, version, cancellationToken) is { } log && EngineBuildStages.Parse(log) is { } parsed)
                    stages.Add((parsed, engineTimes[version - WarmupVersions - 1]));
            }
            Report(rebaseTimes, engineTimes, stages, elapsed);
            return 0;
        }
        finally
        {
            await CleanUpAsync(registry, docker, published, baseTag, baseDigests, runId, tablePrefix);
        }
    }

    private static async Task<double> TimeAsync(IImageBuilder builder, BuildRequest request, List<ImageReference> published, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var built = await builder.BuildAsync(request, cancellationToken);
        var milliseconds = clock.Elapsed.TotalMilliseconds;
        published.Add(ImageReference.Parse(built.Image));
        return milliseconds;
    }

    private static async Task RequireEngineAsync(IDockerClient docker, CancellationToken cancellationToken)
    {
        try
        {
            await docker.System.PingAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or DockerApiException or TimeoutException or IOException)
        {
            throw new InvalidOperationException(
                $"The Docker engine at DOCKER_HOST does not answer ({e.Message}): start it with scripts/stack up, then eval \"$(scripts/stack env)\".", e);
        }
    }

    /// <summary>Shows that both paths made the same image settings (the layers differ: the engine writes its own tar).</summary>
    private async Task CompareSettingsAsync(RegistryClient registry, ImageReference first, ImageReference second, CancellationToken cancellationToken)
    {
        var a = await SettingsAsync(registry, first, cancellationToken);
        var b = await SettingsAsync(registry, second, cancellationToken);
        output.WriteLine(a == b
            ? $"Warmup v1: both paths published the same Env, Entrypoint, Cmd and WorkingDir: {a}"
            : $"Warmup v1: the settings DIFFER: {first}: {a}; {second}: {b}");
    }

    private static async Task<string> SettingsAsync(RegistryClient registry, ImageReference image, CancellationToken cancellationToken)
    {
        var manifest = await registry.GetManifestAsync(image, cancellationToken)
            ?? throw new InvalidOperationException($"{image} is not in the registry after it was built.");
        var config = JsonSerializer.Deserialize<ImageManifest>(manifest.Bytes)!.Config;
        var bytes = await registry.GetBlobBytesAsync(image.Registry, image.Repository, config, cancellationToken);
        var settings = JsonNode.Parse(bytes)?["config"];
        return new JsonObject
        {
            ["Env"] = settings?["Env"]?.DeepClone(),
            ["Entrypoint"] = settings?["Entrypoint"]?.DeepClone(),
            ["Cmd"] = settings?["Cmd"]?.DeepClone(),
            ["WorkingDir"] = settings?["WorkingDir"]?.DeepClone(),
        }.ToJsonString();
    }

    private void Report(List<double> rebaseTimes, List<double> engineTimes, List<(EngineBuildStages Stages, double TotalMs)> stages, TimeSpan elapsed)
    {
        var ratios = engineTimes.Zip(rebaseTimes, (e, r) => e / r).ToArray();
        var rebase = Samples.Median(rebaseTimes);
        var build = Samples.Median(engineTimes);
        var ratio = build / rebase;

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{repetitions} repetitions (+{WarmupVersions} warmup), one upgrade per path each, interleaved ({elapsed.TotalSeconds:0} s); ms per upgrade (build + push + publish of the next version on the other base digest)"));
        output.WriteLine();
        var table = new MarkdownTable("path", "median", "min", "max", "ratio to rebase (medians)", "per-repetition ratios: median (range)");
        table.Add("rebase: LayerBuilder", Samples.Ms(rebase), Samples.Ms(rebaseTimes.Min()), Samples.Ms(rebaseTimes.Max()), "1.00× (baseline)", "");
        table.Add("build: DockerEngineBuilder, generated Dockerfile", Samples.Ms(build), Samples.Ms(engineTimes.Min()), Samples.Ms(engineTimes.Max()),
            $"**{Samples.Ratio(ratio)}**", $"{Samples.Ratio(Samples.Median(ratios))} ({Samples.Ratio(ratios.Min())}–{Samples.Ratio(ratios.Max())})");
        output.Write(table);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Target: the rebase at least {Target:0}× faster: {(ratio >= Target ? "met" : "NOT met")} ({Samples.Ratio(ratio)})."));

        if (stages.Count == 0) return;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Where the engine build's time goes (medians of {stages.Count} builds, s; the builder's log stamps its stages to 0.1 s)"));
        output.WriteLine();
        var split = new MarkdownTable("engine build (context, steps, commits)", "package lock read (container create + archive)", "push to the registry", "publish the annotated manifest + clean up", "outside the log's clock (pins look-up, context tar, recording save)");
        split.Add(
            Seconds(Samples.Median(stages.Select(s => s.Stages.BuiltMs))),
            Seconds(Samples.Median(stages.Select(s => s.Stages.RecordedMs - s.Stages.BuiltMs))),
            Seconds(Samples.Median(stages.Select(s => s.Stages.PushedMs - s.Stages.RecordedMs))),
            Seconds(Samples.Median(stages.Select(s => s.Stages.DoneMs - s.Stages.PushedMs))),
            (Samples.Median(stages.Select(s => s.TotalMs - s.Stages.DoneMs)) / 1000).ToString("0.00", CultureInfo.InvariantCulture));
        output.Write(split);
    }

    private static string Seconds(double milliseconds) => (milliseconds / 1000).ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>
    /// Deletes what this run put anywhere: the version manifests and the base's two manifests in the registry, the
    /// engine's copies of images of this run's repositories (the pulled base, any build left by a failure), and the
    /// build recordings' tables.
    /// </summary>
    private async Task CleanUpAsync(RegistryClient registry, IDockerClient docker, List<ImageReference> published, ImageReference baseTag,
        IReadOnlyList<Digest> baseDigests, string runId, string tablePrefix)
    {
        var manifests = published.Concat(baseDigests.Select(d => baseTag.WithDigest(d))).ToList();
        var failed = 0;
        foreach (var manifest in manifests)
        {
            try
            {
                await registry.DeleteManifestAsync(manifest, CancellationToken.None);
            }
            catch (RegistryException)
            {
                failed++;
            }
        }

        var ours = $"{baseTag.Registry}/{RepositoryPrefix}/";
        var images = await docker.Images.ListImagesAsync(new ImagesListParameters { All = true }, CancellationToken.None);
        var removed = 0;
        foreach (var image in images)
        {
            var names = (image.RepoTags ?? []).Concat(image.RepoDigests ?? []);
            if (!names.Any(n => n.StartsWith(ours, StringComparison.Ordinal) && n.Contains(runId, StringComparison.Ordinal))) continue;
            try
            {
                await docker.Images.DeleteImageAsync(image.ID, new ImageDeleteParameters { Force = true }, CancellationToken.None);
                removed++;
            }
            catch (DockerApiException)
            {
                // Already gone with a child deleted before it.
            }
        }

        var tables = new TableServiceClient(LocalStack.Storage);
        foreach (var table in new[] { "recordings", "images" })
            await tables.DeleteTableAsync(tablePrefix + table, CancellationToken.None);
        output.WriteLine();
        output.WriteLine($"Cleaned up {manifests.Count - failed} of {manifests.Count} manifests, {removed} engine images and the tables {tablePrefix}*.");
    }
}
