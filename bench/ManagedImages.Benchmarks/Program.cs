using System.CommandLine;
using ManagedImages.Benchmarks.Harness;
using ManagedImages.Benchmarks.Memory;
using ManagedImages.Benchmarks.Rebase;
using ManagedImages.Benchmarks.RebaseVsBuild;
using ManagedImages.Benchmarks.Runs;
using ManagedImages.Benchmarks.Upgrades;

// Benchmarks of Managed Images: a Stopwatch harness (warmup, then repetitions; medians and p99), one subcommand per
// figure in docs/benchmarks.md. Each prints Markdown tables.
var repetitions = new Option<int>("--reps") { Description = "Measured repetitions (medians are taken over them)." };
var versions = new Option<int>("--versions") { Description = "Versions built per base in each repetition.", DefaultValueFactory = _ => 5 };
var layerMiB = new Option<long>("--layer-mib") { Description = "Size of each of the 4 layers of the large base, MiB.", DefaultValueFactory = _ => 256 };

var rebase = new Command("rebase", "Layer-only build on a ~1 GiB base vs a ~1 MiB base, and the bytes that move.") { repetitions, versions, layerMiB };
rebase.SetAction((parse, ct) =>
{
    var options = new RebaseOptions
    {
        Repetitions = parse.GetValue(repetitions) is > 0 and var r ? r : 15,
        VersionsPerRepetition = parse.GetValue(versions),
        LargeLayerBytes = parse.GetValue(layerMiB) * 1024 * 1024,
    };
    return new RebaseBenchmark(options, Console.Out).RunAsync(ct);
});

var sizeMiB = new Option<long>("--size-mib") { Description = "Size of the generated file in the layer, MiB.", DefaultValueFactory = _ => 1024 };
var layerMemory = new Command("layer-memory", "Peak memory while LayerWriter writes a layer of one 1 GiB generated file (one child process per write).") { repetitions, sizeMiB };
layerMemory.SetAction((parse, ct) =>
    new LayerMemoryBenchmark(parse.GetValue(repetitions) is > 0 and var r ? r : 3, parse.GetValue(sizeMiB) * 1024 * 1024, 1024 * 1024, Console.Out).RunAsync(ct));

var bytes = new Option<long>("--bytes") { Required = true };
var probe = new Command(LayerMemoryBenchmark.ProbeCommand, "Internal: one measured layer write (run by layer-memory).") { bytes };
probe.Hidden = true;
probe.SetAction((parse, ct) => LayerWriteProbe.RunAsync(parse.GetValue(bytes), Console.Out, ct));

// Each backend is measured in a process of its own. The in-memory test host's sidecar runs only ProcessorCount work
// items at once: its process gets DOTNET_PROCESSOR_COUNT=64 unless the variable is set already. 64, not more: with 256,
// 100 job containers starting at once on the shared 2-core engine (vfs) left it unable to start containers until it
// was restarted. The Azure Storage backend runs as the one-machine host would, with the machine's own processor count.
var backend = new Option<string>("--backend")
{
    Description = "Durable backend: memory (DurableTaskTestHost), azure-storage (src/Local's host on Azurite), or both, one process each.",
    DefaultValueFactory = _ => "both",
};
backend.AcceptOnlyFromAmong("both", "memory", "azure-storage");

async Task<int> OnBackends(string command, string chosen, IEnumerable<string> options, Func<RunsBackend, Task<int>> run, CancellationToken ct)
{
    if (chosen == "azure-storage") return await run(RunsBackend.AzureStorage);
    if (chosen == "memory")
    {
        return Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") is { Length: > 0 }
            ? await run(RunsBackend.Memory)
            : await SelfProcess.RunAsync([command, "--backend", "memory", .. options], new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "64" }, ct);
    }
    var exitCode = 0;
    foreach (var each in new[] { "memory", "azure-storage" })
    {
        var environment = each == "memory" && Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") is not { Length: > 0 }
            ? new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "64" }
            : new Dictionary<string, string>();
        exitCode = Math.Max(exitCode, await SelfProcess.RunAsync([command, "--backend", each, .. options], environment, ct));
        Console.Out.WriteLine();
    }
    return exitCode;
}

var count = new Option<int>("--runs") { Description = "Runs measured (and as many floor sequences).", DefaultValueFactory = _ => 40 };
var runs = new Command("runs", "Fresh path, run request to job container created, one at a time: p50/p99 beside the direct floor.") { count, backend };
runs.SetAction((parse, ct) => OnBackends("runs", parse.GetValue(backend)!, ["--runs", $"{parse.GetValue(count)}"],
    b => new RunsBenchmark(b, Console.Out).RunSequentialAsync(parse.GetValue(count), ct), ct));

var concurrency = new Option<int>("--concurrency") { Description = "Requests at once.", DefaultValueFactory = _ => 100 };
var runsConcurrent = new Command("runs-concurrent", "Runs per second with many requests at once on a fresh image, beside the direct floors.") { concurrency, repetitions, backend };
runsConcurrent.SetAction((parse, ct) =>
{
    var rounds = parse.GetValue(repetitions) is > 0 and var r ? r : 1;
    return OnBackends("runs-concurrent", parse.GetValue(backend)!, ["--concurrency", $"{parse.GetValue(concurrency)}", "--reps", $"{rounds}"],
        b => new RunsBenchmark(b, Console.Out).RunConcurrentAsync(parse.GetValue(concurrency), rounds, ct), ct);
});

var rebaseVsBuild = new Command("rebase-vs-build", "Upgrade of a layer-only registration: rebase (LayerBuilder) vs the Docker engine building its generated Dockerfile, same base digests.") { repetitions };
rebaseVsBuild.SetAction((parse, ct) =>
    new RebaseVsBuildBenchmark(parse.GetValue(repetitions) is > 0 and var r ? r : 7, Console.Out).RunAsync(ct));

var staleRuns = new Command("runs-stale-concurrent", "Many runs at once on a stale image: builds made and wall time, beside a single stale run and as many runs on a fresh image.") { concurrency, repetitions, backend };
staleRuns.SetAction((parse, ct) =>
{
    var rounds = parse.GetValue(repetitions) is > 0 and var r ? r : 3;
    return OnBackends("runs-stale-concurrent", parse.GetValue(backend)!, ["--concurrency", $"{parse.GetValue(concurrency)}", "--reps", $"{rounds}"],
        b => new StaleRunsBenchmark(b, Console.Out).RunAsync(parse.GetValue(concurrency), rounds, ct), ct);
});

var registrationCount = new Option<int>("--registrations") { Description = "Registrations on the pushed base tag.", DefaultValueFactory = _ => 10_000 };
var recentCount = new Option<int>("--recent") { Description = "How many of them were run within the window.", DefaultValueFactory = _ => 50 };
var basePush = new Command("base-push", "A base push for a base tag used by many registrations, a few run recently: time to handle the event and upgrades started.") { registrationCount, recentCount, repetitions };
basePush.SetAction((parse, ct) =>
    new BasePushBenchmark(parse.GetValue(registrationCount), parse.GetValue(recentCount), parse.GetValue(repetitions) is > 0 and var r ? r : 5, Console.Out).RunAsync(ct));

var root = new RootCommand("Managed Images benchmarks (see docs/benchmarks.md).") { rebase, rebaseVsBuild, layerMemory, runs, runsConcurrent, staleRuns, basePush, probe };
return await root.Parse(args).InvokeAsync();
