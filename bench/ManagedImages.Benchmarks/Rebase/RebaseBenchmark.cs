using System.Diagnostics;
using System.Globalization;
using ManagedImages.Benchmarks.Harness;
using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Benchmarks.Rebase;

/// <summary>
/// Figure 1: a layer-only build (LayerBuilder) on a ~1 GiB base against the same build on a ~1 MiB base of the same
/// shape, in the same run, interleaved; and the bytes that moved, counted on the registry client's HttpClient.
/// </summary>
internal sealed class RebaseBenchmark(RebaseOptions options, TextWriter output)
{
    private const string RepositoryPrefix = "bench-rebase";
    private const string SetupPhase = "setup";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var registryHost = await LocalStack.RequireRegistryAsync(cancellationToken);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var traffic = new RegistryTraffic();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CustomImages:Registry"] = registryHost,
                ["CustomImages:RepositoryPrefix"] = RepositoryPrefix,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddRegistryClient(configuration).AddHttpMessageHandler(() => new RegistryTrafficHandler(traffic));
        services.AddLayerBuilder(configuration);
        await using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<RegistryClient>();
        var builder = provider.GetRequiredService<LayerBuilder>();

        output.WriteLine($"# rebase ({MachineInfo.Describe()})");
        output.WriteLine("Setup: base images (pushed once, reused by later runs)");
        var large = new GeneratedBase("large", options.BaseLayers, options.LargeLayerBytes);
        var small = new GeneratedBase("small", options.BaseLayers, options.SmallLayerBytes);
        traffic.Phase = SetupPhase;
        var bases = new Dictionary<GeneratedBase, (ImageReference Pinned, IReadOnlyList<Descriptor> Layers)>
        {
            [large] = await large.EnsurePushedAsync(registry, registryHost, output, cancellationToken),
            [small] = await small.EnsurePushedAsync(registry, registryHost, output, cancellationToken),
        };
        var baseLayerDigests = bases.Values.SelectMany(b => b.Layers).Select(l => l.Digest).ToHashSet(StringComparer.Ordinal);
        traffic.Phase = null;
        // The same counter saw the setup: when it pushed a base, its layers show here (the counter does see them).
        var setup = traffic.Summarize(SetupPhase, baseLayerDigests);
        output.WriteLine($"  setup: {Samples.Bytes(setup.BaseLayerBytesUploaded)} base-layer bytes uploaded (0 when both bases were already there)");

        var timings = new Dictionary<GeneratedBase, List<double[]>> { [large] = [], [small] = [] };
        var built = new List<ImageReference>();
        var buildsPerBase = 0;
        for (var rep = -options.WarmupRepetitions; rep < options.Repetitions; rep++)
        {
            // Alternate which base goes first, so drift in the machine's load does not favour one.
            GeneratedBase[] order = rep % 2 == 0 ? [large, small] : [small, large];
            foreach (var baseImage in order)
            {
                var (pinned, _) = bases[baseImage];
                var nickname = rep < 0 ? $"{runId}-warmup-{baseImage.Name}-{-rep}" : $"{runId}-{baseImage.Name}-r{rep + 1}";
                var times = new double[options.VersionsPerRepetition];
                traffic.Phase = rep < 0 ? null : baseImage.Name;
                for (var version = 1; version <= options.VersionsPerRepetition; version++)
                {
                    var request = new BuildRequest(nickname, version, 1, Customization(baseImage.Tag(registryHost), nickname, version), pinned.Digest!.Value.ToString());
                    var clock = Stopwatch.StartNew();
                    var image = await builder.BuildAsync(request, cancellationToken);
                    times[version - 1] = clock.Elapsed.TotalMilliseconds;
                    built.Add(ImageReference.Parse(image.Image));
                }
                traffic.Phase = null;
                if (rep < 0) continue;
                timings[baseImage].Add(times);
                if (baseImage == large) buildsPerBase += times.Length;
            }
        }

        Report(large, small, timings, traffic, baseLayerDigests, buildsPerBase);
        await CleanUpAsync(registry, built, cancellationToken);
        return 0;
    }

    /// <summary>
    /// The same customization on every base: a few files, env, entrypoint, workdir. One file names the build, so every
    /// build writes and uploads a new custom layer (a rebase of an unchanged registration would find its layer in place:
    /// this measures the dearer case).
    /// </summary>
    internal static Registrations.Registration Customization(ImageReference baseTag, string nickname, int version) => new()
    {
        Base = baseTag.ToString(),
        Files =
        [
            new FileSpec { Path = "/opt/app/run.sh", Content = "#!/bin/sh\necho \"hello from $APP_NAME\"\nexec \"$@\"\n", Mode = "0755" },
            new FileSpec { Path = "/opt/app/settings.json", Content = "{\"greeting\":\"hello\",\"retries\":3}\n" },
            new FileSpec { Path = "/etc/bench/build", Content = string.Create(CultureInfo.InvariantCulture, $"{nickname} v{version}\n") },
        ],
        Env = new Dictionary<string, string> { ["APP_NAME"] = "bench", ["APP_MODE"] = "rebase" },
        Entrypoint = ["/opt/app/run.sh"],
        Cmd = ["sh"],
        Workdir = "/opt/app",
    };

    private void Report(GeneratedBase large, GeneratedBase small, Dictionary<GeneratedBase, List<double[]>> timings,
        RegistryTraffic traffic, HashSet<string> baseLayerDigests, int buildsPerBase)
    {
        var perRepMedian = timings.ToDictionary(t => t.Key, t => t.Value.Select(Samples.Median).ToArray());
        var ratios = perRepMedian[large].Zip(perRepMedian[small], (l, s) => l / s).ToArray();

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{options.Repetitions} repetitions (+{options.WarmupRepetitions} warmup) × {options.VersionsPerRepetition} versions per base, interleaved; times in ms per build"));
        output.WriteLine();
        var table = new MarkdownTable("base", "layers", "median of per-repetition medians", "p99 of all builds", "min", "max", "ratio to ~1 MiB base");
        foreach (var baseImage in new[] { small, large })
        {
            var all = timings[baseImage].SelectMany(t => t).ToArray();
            table.Add(
                $"~{Samples.MiB(baseImage.TotalBytes)} MiB",
                string.Create(CultureInfo.InvariantCulture, $"{baseImage.Layers} × {Samples.MiB(baseImage.LayerBytes)} MiB"),
                Samples.Ms(Samples.Median(perRepMedian[baseImage])),
                Samples.Ms(Samples.Percentile(all, 99)),
                Samples.Ms(all.Min()),
                Samples.Ms(all.Max()),
                baseImage == large ? $"{Samples.Ratio(Samples.Median(ratios))} (median of per-repetition ratios; range {Samples.Ratio(ratios.Min())}–{Samples.Ratio(ratios.Max())})" : "1.00× (baseline)");
        }
        output.Write(table);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Target ≤ 1.2×: {(Samples.Median(ratios) <= 1.2 ? "met" : "NOT met")}."));

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Bytes that moved during the measured builds ({buildsPerBase} builds per base), counted on the registry client's HttpClient"));
        output.WriteLine();
        var bytes = new MarkdownTable("base", "base-layer bytes uploaded", "other bytes in upload requests (custom layer + config)", "manifest bytes PUT", "blob bytes downloaded (the base config)", "mounts answered 201");
        foreach (var baseImage in new[] { small, large })
        {
            var summary = traffic.Summarize(baseImage.Name, baseLayerDigests);
            bytes.Add(
                $"~{Samples.MiB(baseImage.TotalBytes)} MiB",
                Samples.Bytes(summary.BaseLayerBytesUploaded),
                $"{Samples.Bytes(summary.OtherBlobBytesUploaded)} ({Samples.Bytes(summary.OtherBlobBytesUploaded / buildsPerBase)} per build)",
                $"{Samples.Bytes(summary.ManifestBytes)} ({Samples.Bytes(summary.ManifestBytes / buildsPerBase)} per build)",
                $"{Samples.Bytes(summary.BlobBytesDownloaded)} ({Samples.Bytes(summary.BlobBytesDownloaded / buildsPerBase)} per build)",
                $"{summary.Mounts} ({summary.Mounts / buildsPerBase} per build)");
        }
        output.Write(bytes);
    }

    /// <summary>Deletes the manifests this run built (the mounted blobs are links; the bases stay for the next run).</summary>
    private async Task CleanUpAsync(RegistryClient registry, List<ImageReference> built, CancellationToken cancellationToken)
    {
        var failed = 0;
        foreach (var image in built)
        {
            try
            {
                await registry.DeleteManifestAsync(image, cancellationToken);
            }
            catch (RegistryException)
            {
                failed++;
            }
        }
        output.WriteLine();
        output.WriteLine($"Cleaned up {built.Count - failed} of {built.Count} built manifests.");
    }
}
