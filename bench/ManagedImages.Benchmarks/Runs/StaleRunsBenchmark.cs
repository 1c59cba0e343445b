using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using ManagedImages.Benchmarks.Harness;
using ManagedImages.Jobs;
using ManagedImages.Runs;
using ManagedImages.Storage;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Benchmarks.Runs;

/// <summary>
/// Figure 6: many run requests at once on a stale image (a new base digest was pushed): how many builds they make
/// (single flight: one) and their wall time, beside a single stale run and the same number of runs on a fresh image,
/// measured in the same process, the three rotating order each round. Every run's output is checked: the stale ones
/// all ran the one new version, the fresh ones did not upgrade.
/// </summary>
internal sealed class StaleRunsBenchmark(RunsBackend backend, TextWriter output)
{
    private static readonly IReadOnlyList<string> JobArgs = ["true"];

    public async Task<int> RunAsync(int concurrency, int rounds, CancellationToken cancellationToken)
    {
        output.WriteLine($"# runs-stale-concurrent, {backend} ({MachineInfo.Describe()}, DOTNET_PROCESSOR_COUNT={Environment.ProcessorCount})");
        await using var host = await FreshImageHost.StartAsync(backend, output, cancellationToken);
        var images = host.Services.GetRequiredService<ImageStore>();
        var release = 0;

        // Warm every path: a stale run (build + launch) and a fresh one.
        await StaleAsync(1);
        await RunAllAsync(1, expectUpgrade: false);

        var single = new List<Measured>();
        var many = new List<Measured>();
        var fresh = new List<Measured>();
        var clock = Stopwatch.StartNew();
        Func<Task>[] measurements =
        [
            async () => single.Add(await StaleAsync(1)),
            async () => many.Add(await StaleAsync(concurrency)),
            async () => fresh.Add(await RunAllAsync(concurrency, expectUpgrade: false)),
        ];
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order each round, so drift in the machine's load does not favour any.
            for (var k = 0; k < measurements.Length; k++) await measurements[(round + k) % measurements.Length]();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round + 1}: 1 stale run {single[^1].Wall.TotalSeconds:0.00} s (version recorded after {single[^1].ToBuilt.TotalSeconds:0.00} s); " +
                $"{concurrency} stale runs {many[^1].Wall.TotalSeconds:0.00} s, {many[^1].Builds} build(s), {many[^1].Waited} of them waited for it (version recorded after {many[^1].ToBuilt.TotalSeconds:0.00} s); " +
                $"{concurrency} fresh runs {fresh[^1].Wall.TotalSeconds:0.00} s; {clock.Elapsed.TotalSeconds:0} s"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rounds} rounds on {host.Backend}: each stale measurement pushes a new base digest first; wall time = first request → every run completed (job `true` ran and was awaited); s, medians (range)"));
        output.WriteLine();
        var table = new MarkdownTable("what", "builds", "runs that waited for it", "new version recorded after", "wall time (median)", "range", "ratio to 1 stale run", $"ratio to {concurrency} fresh runs");
        var one = Samples.Median(single.Select(m => m.Wall.TotalSeconds));
        var freshWall = Samples.Median(fresh.Select(m => m.Wall.TotalSeconds));
        table.Add("1 stale run (baseline)", Builds(single), Waited(single), Seconds(Samples.Median(single.Select(m => m.ToBuilt.TotalSeconds))), Seconds(one), Range(single), "1.00× (baseline)", "");
        var manyWall = Samples.Median(many.Select(m => m.Wall.TotalSeconds));
        table.Add($"{concurrency} stale runs at once", Builds(many), Waited(many), Seconds(Samples.Median(many.Select(m => m.ToBuilt.TotalSeconds))), Seconds(manyWall), Range(many),
            Samples.Ratio(manyWall / one), Samples.Ratio(manyWall / freshWall));
        table.Add($"{concurrency} fresh runs at once (baseline: the jobs alone)", Builds(fresh), "", "", Seconds(freshWall), Range(fresh), Samples.Ratio(freshWall / one), "1.00× (baseline)");
        output.Write(table);
        return many.All(m => m.Builds == 1) && single.All(m => m.Builds == 1) ? 0 : 1;

        async Task<Measured> StaleAsync(int runs)
        {
            await host.PushBaseAsync($"release-{++release}", cancellationToken);
            return await RunAllAsync(runs, expectUpgrade: true);
        }

        async Task<Measured> RunAllAsync(int runs, bool expectUpgrade)
        {
            var before = (await images.GetVersionsAsync(host.Nickname, cancellationToken)).Count;
            var start = DateTimeOffset.UtcNow;
            var wall = Stopwatch.StartNew();
            var ids = await Task.WhenAll(Enumerable.Range(0, runs).Select(_ => host.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(RunImageOrchestrator), new RunImageInput(host.Nickname, JobArgs, new Dictionary<string, string>()), cancellationToken)));
            var outputs = await Task.WhenAll(ids.Select(id => host.CompletedRunAsync(id, cancellationToken)));
            wall.Stop();

            var versions = await images.GetVersionsAsync(host.Nickname, cancellationToken);
            var newest = versions[0];
            var builds = versions.Count - before;
            // A run that resolves after the build is recorded finds the new version fresh (not upgraded by it): still one build.
            if (expectUpgrade && outputs.Any(o => o.Version != newest.Number || o.ImageDigest != newest.Digest))
                throw new InvalidOperationException($"A stale run did not run the new version v{newest.Number} ({newest.Digest}).");
            if (!expectUpgrade && (builds != 0 || outputs.Any(o => o.Upgraded)))
                throw new InvalidOperationException("A run on a fresh image upgraded it.");
            await Task.WhenAll(ids.Select(id => RemoveJobAsync(host, id, cancellationToken)));
            return new Measured(wall.Elapsed, expectUpgrade ? newest.CreatedAt - start : TimeSpan.Zero, builds, outputs.Count(o => o.Upgraded));
        }
    }

    private static async Task RemoveJobAsync(FreshImageHost host, string runId, CancellationToken cancellationToken) =>
        await host.Docker.Containers.RemoveContainerAsync(JobNames.FromRunId(runId), new ContainerRemoveParameters { Force = true }, cancellationToken);

    private static string Builds(List<Measured> measured) => string.Join(", ", measured.Select(m => m.Builds).Distinct());

    private static string Waited(List<Measured> measured) => string.Join(", ", measured.Select(m => m.Waited));

    private static string Seconds(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Range(List<Measured> measured) =>
        $"{Seconds(measured.Min(m => m.Wall.TotalSeconds))}–{Seconds(measured.Max(m => m.Wall.TotalSeconds))}";

    /// <param name="Waited">Runs that waited for the build (the others resolved after it was recorded and found it fresh).</param>
    private sealed record Measured(TimeSpan Wall, TimeSpan ToBuilt, int Builds, int Waited);
}
