using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ManagedImages.Benchmarks.Harness;

namespace ManagedImages.Benchmarks.Memory;

/// <summary>
/// Figure 2: peak memory while <see cref="Layers.LayerWriter"/> writes a layer of one generated file, each write in a
/// child process of its own (VmHWM cannot be reset), against that process's figure right before writing. A 1 MiB
/// layer is measured the same way in the same run as a reference.
/// </summary>
internal sealed class LayerMemoryBenchmark(int repetitions, long fileBytes, long referenceBytes, TextWriter output)
{
    public const string ProbeCommand = "layer-memory-probe";
    private const double TargetBytes = 150_000_000;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        output.WriteLine($"# layer-memory ({MachineInfo.Describe()})");
        var results = new Dictionary<long, List<LayerWriteMeasurement>> { [referenceBytes] = [], [fileBytes] = [] };
        for (var rep = 0; rep < repetitions; rep++)
        {
            foreach (var size in new[] { referenceBytes, fileBytes })
            {
                var measurement = await ProbeAsync(size, cancellationToken);
                results[size].Add(measurement);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  repetition {rep + 1}, {Samples.MiB(size)} MiB file: peak RSS +{Samples.MiB(measurement.PeakRssDelta)} MiB, " +
                    $"private +{Samples.MiB(measurement.PeakAnonDelta)} MiB, managed heap +{Samples.MiB(measurement.PeakManagedDelta)} MiB " +
                    $"({Samples.MiB(measurement.AllocatedBytes)} MiB allocated, {measurement.Gen0Collections} gen0 / {measurement.Gen2Collections} gen2 GCs), {measurement.Seconds:0.0} s"));
            }
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{repetitions} child processes per size, medians; MiB = 2^20 bytes; deltas are against the same process right before writing"));
        output.WriteLine();
        var table = new MarkdownTable("file in the layer", "RSS before (baseline)", "peak RSS (VmHWM) delta", "peak private (RssAnon) delta", "peak managed heap delta", "allocated while writing", "GCs (gen0 / gen2)", "write time", "throughput", "RSS delta vs 150 MB target");
        foreach (var (size, list) in results)
        {
            var rssDelta = Samples.Median(list.Select(m => (double)m.PeakRssDelta));
            var seconds = Samples.Median(list.Select(m => m.Seconds));
            table.Add(
                $"{Samples.MiB(size)} MiB",
                $"{Samples.MiB(Samples.Median(list.Select(m => (double)m.RssBefore)))} MiB",
                $"{Samples.MiB(rssDelta)} MiB (max {Samples.MiB(list.Max(m => m.PeakRssDelta))})",
                $"{Samples.MiB(Samples.Median(list.Select(m => (double)m.PeakAnonDelta)))} MiB",
                $"{Samples.MiB(Samples.Median(list.Select(m => (double)m.PeakManagedDelta)))} MiB",
                $"{Samples.MiB(Samples.Median(list.Select(m => (double)m.AllocatedBytes)))} MiB",
                string.Create(CultureInfo.InvariantCulture, $"{Samples.Median(list.Select(m => (double)m.Gen0Collections))} / {Samples.Median(list.Select(m => (double)m.Gen2Collections))}"),
                string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0} s"),
                string.Create(CultureInfo.InvariantCulture, $"{size / seconds / (1024 * 1024):0} MiB/s"),
                $"{Samples.Ratio(rssDelta / TargetBytes)} ({(rssDelta < TargetBytes ? "met" : "NOT met")})");
        }
        output.Write(table);
        return 0;
    }

    private static async Task<LayerWriteMeasurement> ProbeAsync(long size, CancellationToken cancellationToken)
    {
        var start = SelfProcess.StartInfo([ProbeCommand, "--bytes", size.ToString(CultureInfo.InvariantCulture)]);
        start.RedirectStandardOutput = true;
        using var child = Process.Start(start) ?? throw new InvalidOperationException("The probe process did not start.");
        var text = await child.StandardOutput.ReadToEndAsync(cancellationToken);
        await child.WaitForExitAsync(cancellationToken);
        var last = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (child.ExitCode != 0 || last is null)
            throw new InvalidOperationException($"The probe for {size} bytes failed (exit code {child.ExitCode}): {text}");
        return JsonSerializer.Deserialize<LayerWriteMeasurement>(last)
            ?? throw new InvalidOperationException($"The probe for {size} bytes printed no measurement: {text}");
    }
}
