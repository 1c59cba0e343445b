using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using ManagedImages.Benchmarks.Harness;
using ManagedImages.Jobs;
using ManagedImages.Runs;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Benchmarks.Runs;

/// <summary>
/// Figures 3 and 4: the fresh path of a run request, from scheduling the RunImage orchestration to the job's container
/// being created (the engine's Created timestamp), beside the floor of the same work made directly (see
/// <see cref="FreshPathFloor"/>) in the same run; one at a time (p50, p99) and 100 at once (runs per second), on one
/// durable backend per process.
/// </summary>
internal sealed class RunsBenchmark(RunsBackend backend, TextWriter output)
{
    private static readonly IReadOnlyList<string> JobArgs = ["true"];

    public async Task<int> RunSequentialAsync(int runs, CancellationToken cancellationToken)
    {
        output.WriteLine($"# runs, {backend} ({MachineInfo.Describe()}, DOTNET_PROCESSOR_COUNT={Environment.ProcessorCount})");
        await using var host = await FreshImageHost.StartAsync(backend, output, cancellationToken);
        var floor = new FreshPathFloor(host);
        var suffix = host.Nickname;

        for (var i = 0; i < 3; i++)
        {
            await RunOnceAsync(host, cancellationToken);
            await floor.RemoveAsync(await floor.RunOnceAsync($"{suffix}-floor-warmup-{i}", start: false, cancellationToken), cancellationToken);
        }

        var toCreated = new List<double>();
        var toCompleted = new List<double>();
        var floorToCreated = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < runs; i++)
        {
            // Alternate the order, so drift in the machine's load does not favour either.
            if (i % 2 == 0) await MeasureRunAsync();
            await MeasureFloorAsync(i);
            if (i % 2 == 1) await MeasureRunAsync();
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runs} runs of a fresh image one at a time, interleaved with {runs} floor sequences (after 3 warmups of each; {clock.Elapsed.TotalSeconds:0} s); ms from the request to the job container's Created timestamp"));
        output.WriteLine();
        var table = new MarkdownTable("backend", "path", "p50", "p99", "p50 ratio to floor", "p99 ratio to floor");
        var floorP50 = Samples.Median(floorToCreated);
        var floorP99 = Samples.Percentile(floorToCreated, 99);
        table.Add(host.Backend, "floor: table reads + registry HEAD + container create, direct", Samples.Ms(floorP50), Samples.Ms(floorP99), "1.00× (baseline)", "1.00× (baseline)");
        table.Add(host.Backend, "RunImage orchestration, request → job container created", Samples.Ms(Samples.Median(toCreated)), Samples.Ms(Samples.Percentile(toCreated, 99)),
            Samples.Ratio(Samples.Median(toCreated) / floorP50), Samples.Ratio(Samples.Percentile(toCreated, 99) / floorP99));
        table.Add(host.Backend, "(for reference) request → orchestration completed (job ran `true` and was awaited)", Samples.Ms(Samples.Median(toCompleted)), Samples.Ms(Samples.Percentile(toCompleted, 99)), "", "");
        output.Write(table);
        return 0;

        async Task MeasureRunAsync()
        {
            var (created, completed) = await RunOnceAsync(host, cancellationToken);
            toCreated.Add(created.TotalMilliseconds);
            toCompleted.Add(completed.TotalMilliseconds);
        }

        async Task MeasureFloorAsync(int i)
        {
            var start = DateTime.UtcNow;
            var container = await floor.RunOnceAsync($"{suffix}-floor-{i}", start: false, cancellationToken);
            floorToCreated.Add((container.Created - start).TotalMilliseconds);
            await floor.RemoveAsync(container, cancellationToken);
        }
    }

    public async Task<int> RunConcurrentAsync(int concurrency, int rounds, CancellationToken cancellationToken)
    {
        output.WriteLine($"# runs-concurrent, {backend} ({MachineInfo.Describe()}, DOTNET_PROCESSOR_COUNT={Environment.ProcessorCount})");
        await using var host = await FreshImageHost.StartAsync(backend, output, cancellationToken);
        var floor = new FreshPathFloor(host);
        // The starting floor has no more containers in flight than the backend has activities (launches) at once:
        // the same load on the engine as the runs can put on it, and no burst of starts that could wedge the shared engine.
        var startsAtOnce = Math.Min(concurrency, host.ActivityConcurrency);

        // Warm every path (and pull the image into the engine) before anything is measured.
        await RunOnceAsync(host, cancellationToken);
        await floor.RemoveAsync(await floor.RunOnceAsync($"{host.Nickname}-floor-warmup", start: false, cancellationToken), cancellationToken);
        await floor.RemoveAsync(await floor.RunOnceAsync($"{host.Nickname}-floor-start-warmup", start: true, cancellationToken), cancellationToken);

        var runsCreatedRate = new List<double>();
        var runsCompletedRate = new List<double>();
        var floorRate = new List<double>();
        var startFloorCreatedRate = new List<double>();
        var startFloorExitedRate = new List<double>();
        var clock = Stopwatch.StartNew();
        Func<int, Task>[] measurements = [MeasureRunsAsync, MeasureFloorAsync, MeasureStartingFloorAsync];
        for (var round = 0; round < rounds; round++)
        {
            // Rotate the order each round, so drift in the machine's load does not favour any.
            for (var k = 0; k < measurements.Length; k++)
                await measurements[(round + k) % measurements.Length](round);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round + 1}: runs {runsCreatedRate[^1]:0.0}/s to created ({runsCompletedRate[^1]:0.0}/s to completed), " +
                $"floor {floorRate[^1]:0.0}/s, starting floor {startFloorCreatedRate[^1]:0.0}/s to created ({startFloorExitedRate[^1]:0.0}/s to exited); {clock.Elapsed.TotalSeconds:0} s"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rounds} rounds of {concurrency} run requests at once on a fresh image, interleaved with {concurrency} floor sequences at once and {concurrency} starting floor sequences ({startsAtOnce} at once); " +
            $"rate = {concurrency} / (end mark of the last − first request), medians"));
        output.WriteLine();
        var table = new MarkdownTable("backend", "path", "end mark", "runs per second (median)", "range", "ratio");
        var floorMedian = Samples.Median(floorRate);
        var startFloorCreated = Samples.Median(startFloorCreatedRate);
        var startFloorExited = Samples.Median(startFloorExitedRate);
        table.Add(host.Backend, $"floor A: table reads + registry HEAD + container create, direct, {concurrency} at once", "container created",
            Rate(floorMedian), Range(floorRate), "1.00× (baseline A)");
        table.Add(host.Backend, $"floor B: floor A + container start + wait for exit, direct, {startsAtOnce} at once", "container created",
            Rate(startFloorCreated), Range(startFloorCreatedRate), "1.00× (baseline B created)");
        table.Add(host.Backend, "floor B (same sequences)", "container exited",
            Rate(startFloorExited), Range(startFloorExitedRate), "1.00× (baseline B exited)");
        var runsCreated = Samples.Median(runsCreatedRate);
        table.Add(host.Backend, $"RunImage orchestration, {concurrency} requests at once", "job container created", Rate(runsCreated), Range(runsCreatedRate),
            $"{Samples.Ratio(runsCreated / floorMedian)} A, {Samples.Ratio(runsCreated / startFloorCreated)} B created");
        var runsCompleted = Samples.Median(runsCompletedRate);
        table.Add(host.Backend, "RunImage orchestration (same runs)", "orchestration completed (job exited and awaited)", Rate(runsCompleted), Range(runsCompletedRate),
            $"{Samples.Ratio(runsCompleted / startFloorExited)} B exited");
        output.Write(table);
        return 0;

        async Task MeasureRunsAsync(int round)
        {
            var start = DateTime.UtcNow;
            var stopwatch = Stopwatch.StartNew();
            var ids = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => ScheduleAsync(host, cancellationToken)));
            await Task.WhenAll(ids.Select(id => WaitCompletedAsync(host, id, cancellationToken)));
            var completed = stopwatch.Elapsed;
            var created = await Task.WhenAll(ids.Select(id => CreatedAndRemoveAsync(host, id, cancellationToken)));
            runsCreatedRate.Add(concurrency / (created.Max() - start).TotalSeconds);
            runsCompletedRate.Add(concurrency / completed.TotalSeconds);
        }

        async Task MeasureFloorAsync(int round)
        {
            var start = DateTime.UtcNow;
            var containers = await Task.WhenAll(Enumerable.Range(0, concurrency)
                .Select(i => floor.RunOnceAsync($"{host.Nickname}-floor-{round}-{i}", start: false, cancellationToken)));
            floorRate.Add(concurrency / (containers.Max(c => c.Created) - start).TotalSeconds);
            await Task.WhenAll(containers.Select(c => floor.RemoveAsync(c, cancellationToken)));
        }

        async Task MeasureStartingFloorAsync(int round)
        {
            using var gate = new SemaphoreSlim(startsAtOnce);
            var start = DateTime.UtcNow;
            var stopwatch = Stopwatch.StartNew();
            var containers = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async i =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    return await floor.RunOnceAsync($"{host.Nickname}-floor-start-{round}-{i}", start: true, cancellationToken);
                }
                finally
                {
                    gate.Release();
                }
            }));
            var exited = stopwatch.Elapsed;
            startFloorCreatedRate.Add(concurrency / (containers.Max(c => c.Created) - start).TotalSeconds);
            startFloorExitedRate.Add(concurrency / exited.TotalSeconds);
            await Task.WhenAll(containers.Select(c => floor.RemoveAsync(c, cancellationToken)));
        }
    }

    private static string Range(List<double> rates) => $"{Rate(rates.Min())}–{Rate(rates.Max())}";

    private static string Rate(double perSecond) => perSecond.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>One run: from the request to its job container's Created timestamp, and to the orchestration's completion.</summary>
    private static async Task<(TimeSpan ToCreated, TimeSpan ToCompleted)> RunOnceAsync(FreshImageHost host, CancellationToken cancellationToken)
    {
        var start = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var id = await ScheduleAsync(host, cancellationToken);
        await WaitCompletedAsync(host, id, cancellationToken);
        var completed = clock.Elapsed;
        var created = await CreatedAndRemoveAsync(host, id, cancellationToken);
        return (created - start, completed);
    }

    private static Task<string> ScheduleAsync(FreshImageHost host, CancellationToken cancellationToken) =>
        host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(RunImageOrchestrator), new RunImageInput(host.Nickname, JobArgs, new Dictionary<string, string>()), cancellationToken);

    private static async Task WaitCompletedAsync(FreshImageHost host, string id, CancellationToken cancellationToken)
    {
        var output = await host.CompletedRunAsync(id, cancellationToken);
        if (output.Upgraded)
            throw new InvalidOperationException($"Run {id} did not take the fresh path (upgraded: {output.Upgraded}).");
    }

    private static async Task<DateTime> CreatedAndRemoveAsync(FreshImageHost host, string runId, CancellationToken cancellationToken)
    {
        var name = JobNames.FromRunId(runId);
        var container = await host.Docker.Containers.InspectContainerAsync(name, cancellationToken);
        await host.Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        return CreatedTime.Utc(container.Created);
    }
}
