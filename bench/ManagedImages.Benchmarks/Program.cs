using System.CommandLine;
using ManagedImages.Benchmarks.Harness;
using ManagedImages.Benchmarks.Memory;
using ManagedImages.Benchmarks.Rebase;
using ManagedImages.Benchmarks.Runs;

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

// The in-memory test host's sidecar runs only ProcessorCount work items at once: the runs benchmarks start themselves
// again with DOTNET_PROCESSOR_COUNT set high unless it is set already. 64, not more: with 256, 100 job containers
// starting at once on the shared 2-core engine (vfs) left it unable to start containers until it was restarted.
Task<int> WithManyProcessors(string[] arguments, Func<Task<int>> run, CancellationToken ct) =>
    Environment.GetEnvironmentVariable("DOTNET_PROCESSOR_COUNT") is { Length: > 0 }
        ? run()
        : SelfProcess.RunAsync(arguments, new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "64" }, ct);

var count = new Option<int>("--runs") { Description = "Runs measured (and as many floor sequences).", DefaultValueFactory = _ => 50 };
var runs = new Command("runs", "Fresh path, run request to job container created, one at a time: p50/p99 beside the direct floor.") { count };
runs.SetAction((parse, ct) => WithManyProcessors(args, () => new RunsBenchmark(Console.Out).RunSequentialAsync(parse.GetValue(count), ct), ct));

var concurrency = new Option<int>("--concurrency") { Description = "Requests at once.", DefaultValueFactory = _ => 100 };
var runsConcurrent = new Command("runs-concurrent", "Runs per second with many requests at once on a fresh image, beside the direct floor.") { concurrency, repetitions };
runsConcurrent.SetAction((parse, ct) => WithManyProcessors(args,
    () => new RunsBenchmark(Console.Out).RunConcurrentAsync(parse.GetValue(concurrency), parse.GetValue(repetitions) is > 0 and var r ? r : 3, ct), ct));

var root = new RootCommand("Managed Images benchmarks (see docs/benchmarks.md).") { rebase, layerMemory, runs, runsConcurrent, probe };
return await root.Parse(args).InvokeAsync();
