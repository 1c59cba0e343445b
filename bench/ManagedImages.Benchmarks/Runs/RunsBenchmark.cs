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
/// <see cref="FreshPathFloor"/>) in the same run; one at a time (p50, p99) and 100 at once (runs per second).
/// </summary>
internal sealed class RunsBenchmark(TextWriter output)
{
    private static readonly IReadOnlyList<string> JobArgs = ["true"];

    public async Task<int> RunSequentialAsync(int runs, CancellationToken cancellationToken)
    {
        output.WriteLine($"# runs ({MachineInfo.Describe()}, DOTNET_PROCESSOR_COUNT={Environment.ProcessorCount})");
        await using var host = await FreshImageHost.StartAsync(output, cancellationToken);
        var floor = new FreshPathFloor(host);
        var suffix = host.Nickname;

        for (var i = 0; i < 3; i++)
        {
            await RunOnceAsync(host, cancellationToken);
            await floor.CreateOnceAsync($"{suffix}-floor-warmup-{i}", cancellationToken);
        }

        var toCreated = new List<double>();
        var toCompleted = new List<double>();
        var floorToCreated = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            // Alternate the order, so drift in the machine's load does not favour either.
            if (i % 2 == 0) await MeasureRunAsync();
            await MeasureFloorAsync(i);
            if (i % 2 == 1) await MeasureRunAsync();
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{runs} runs of a fresh image one at a time, interleaved with {runs} floor sequences (after 3 warmups of each); ms from the request to the job container's Created timestamp"));
        output.WriteLine();
        var table = new MarkdownTable("backend", "path", "p50", "p99", "p50 ratio to floor", "p99 ratio to floor");
        var floorP50 = Samples.Median(floorToCreated);
        var floorP99 = Samples.Percentile(floorToCreated, 99);
        table.Add(FreshImageHost.Backend, "floor: table reads + registry HEAD + container create, direct", Samples.Ms(floorP50), Samples.Ms(floorP99), "1.00× (baseline)", "1.00× (baseline)");
        table.Add(FreshImageHost.Backend, "RunImage orchestration, request → job container created", Samples.Ms(Samples.Median(toCreated)), Samples.Ms(Samples.Percentile(toCreated, 99)),
            Samples.Ratio(Samples.Median(toCreated) / floorP50), Samples.Ratio(Samples.Percentile(toCreated, 99) / floorP99));
        table.Add(FreshImageHost.Backend, "(for reference) request → orchestration completed (job ran `true` and was awaited)", Samples.Ms(Samples.Median(toCompleted)), Samples.Ms(Samples.Percentile(toCompleted, 99)), "", "");
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
            var created = await floor.CreateOnceAsync($"{suffix}-floor-{i}", cancellationToken);
            floorToCreated.Add((created - start).TotalMilliseconds);
        }
    }

    public async Task<int> RunConcurrentAsync(int concurrency, int rounds, CancellationToken cancellationToken)
    {
        output.WriteLine($"# runs-concurrent ({MachineInfo.Describe()}, DOTNET_PROCESSOR_COUNT={Environment.ProcessorCount})");
        await using var host = await FreshImageHost.StartAsync(output, cancellationToken);
        var floor = new FreshPathFloor(host);

        // Warm both paths (and pull the image into the engine) before anything is measured.
        await RunOnceAsync(host, cancellationToken);
        await floor.CreateOnceAsync($"{host.Nickname}-floor-warmup", cancellationToken);

        var runsCreatedRate = new List<double>();
        var runsCompletedRate = new List<double>();
        var floorRate = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0) await MeasureRunsAsync();
            await MeasureFloorAsync(round);
            if (round % 2 == 1) await MeasureRunsAsync();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  round {round + 1}: runs {runsCreatedRate[^1]:0.0}/s to created ({runsCompletedRate[^1]:0.0}/s to completed), floor {floorRate[^1]:0.0}/s"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rounds} rounds of {concurrency} requests at once on a fresh image, interleaved with {concurrency} floor sequences at once; rate = {concurrency} / (last job container Created − first request), medians"));
        output.WriteLine();
        var table = new MarkdownTable("backend", "path", "runs per second (median)", "range", "ratio to floor");
        var floorMedian = Samples.Median(floorRate);
        table.Add(FreshImageHost.Backend, "floor: table reads + registry HEAD + container create, direct", Rate(floorMedian), $"{Rate(floorRate.Min())}–{Rate(floorRate.Max())}", "1.00× (baseline)");
        table.Add(FreshImageHost.Backend, "RunImage orchestration, request → job container created", Rate(Samples.Median(runsCreatedRate)),
            $"{Rate(runsCreatedRate.Min())}–{Rate(runsCreatedRate.Max())}", Samples.Ratio(Samples.Median(runsCreatedRate) / floorMedian));
        table.Add(FreshImageHost.Backend, "(for reference) request → orchestration completed", Rate(Samples.Median(runsCompletedRate)),
            $"{Rate(runsCompletedRate.Min())}–{Rate(runsCompletedRate.Max())}", "");
        output.Write(table);
        return 0;

        async Task MeasureRunsAsync()
        {
            var start = DateTime.UtcNow;
            var clock = Stopwatch.StartNew();
            var ids = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => ScheduleAsync(host, cancellationToken)));
            await Task.WhenAll(ids.Select(id => WaitCompletedAsync(host, id, cancellationToken)));
            var completed = clock.Elapsed;
            var created = await Task.WhenAll(ids.Select(id => CreatedAndRemoveAsync(host, id, cancellationToken)));
            runsCreatedRate.Add(concurrency / (created.Max() - start).TotalSeconds);
            runsCompletedRate.Add(concurrency / completed.TotalSeconds);
        }

        async Task MeasureFloorAsync(int round)
        {
            var start = DateTime.UtcNow;
            var created = await Task.WhenAll(Enumerable.Range(0, concurrency)
                .Select(i => floor.CreateOnceAsync($"{host.Nickname}-floor-{round}-{i}", cancellationToken)));
            floorRate.Add(concurrency / (created.Max() - start).TotalSeconds);
        }
    }

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
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromMinutes(5));
        OrchestrationMetadata done;
        try
        {
            done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, patience.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            var status = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, CancellationToken.None);
            throw new TimeoutException($"Run {id} did not complete within 5 minutes: {status?.RuntimeStatus}, custom status {status?.SerializedCustomStatus}", e);
        }
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            throw new InvalidOperationException($"Run {id} ended {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        var output = done.ReadOutputAs<RunOutput>();
        if (output is null || output.Upgraded)
            throw new InvalidOperationException($"Run {id} did not take the fresh path (upgraded: {output?.Upgraded}).");
    }

    private static async Task<DateTime> CreatedAndRemoveAsync(FreshImageHost host, string runId, CancellationToken cancellationToken)
    {
        var name = JobNames.FromRunId(runId);
        var container = await host.Docker.Containers.InspectContainerAsync(name, cancellationToken);
        await host.Docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        return CreatedTime.Utc(container.Created);
    }
}
