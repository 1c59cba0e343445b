using System.Diagnostics;
using System.Text.Json;
using ManagedImages.Benchmarks.Content;
using ManagedImages.Layers;

namespace ManagedImages.Benchmarks.Memory;

/// <summary>
/// The child side of the layer-memory benchmark: writes one layer of a single generated file with
/// <see cref="LayerWriter"/> and prints a <see cref="LayerWriteMeasurement"/> as JSON on its last line.
/// </summary>
internal static class LayerWriteProbe
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(5);

    public static async Task<int> RunAsync(long fileBytes, TextWriter output, CancellationToken cancellationToken)
    {
        // The warmup write loads and compiles the tar, gzip and hashing paths, so the figures before are settled.
        await WriteAsync(1024 * 1024, seed: 1, cancellationToken);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var before = ProcStatus.Read();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var (gen0Before, gen2Before) = (GC.CollectionCount(0), GC.CollectionCount(2));

        using var sampler = new PeakSampler(SampleInterval);
        var clock = Stopwatch.StartNew();
        var layerBytes = await WriteAsync(fileBytes, seed: 2, cancellationToken);
        var seconds = clock.Elapsed.TotalSeconds;
        var peaks = sampler.Stop();
        var after = ProcStatus.Read();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var (gen0, gen2) = (GC.CollectionCount(0) - gen0Before, GC.CollectionCount(2) - gen2Before);

        var measurement = new LayerWriteMeasurement(
            fileBytes, layerBytes, seconds,
            before.VmRss, before.VmHwm, after.VmHwm, Math.Max(peaks.VmRss, after.VmRss),
            before.RssAnon, Math.Max(peaks.RssAnon, after.RssAnon),
            managedBefore, peaks.Managed, allocated, gen0, gen2);
        output.WriteLine(JsonSerializer.Serialize(measurement));
        return 0;
    }

    private static async Task<long> WriteAsync(long fileBytes, ulong seed, CancellationToken cancellationToken)
    {
        LayerEntry[] entries = [LayerEntry.File("opt/generated/data.bin", LayerEntry.DefaultFileMode, () => new GeneratedStream(seed, fileBytes))];
        await using var layer = await LayerWriter.WriteAsync(entries, cancellationToken);
        return layer.Size;
    }

    /// <summary>Samples the resident set, its private part and the managed heap on a thread of its own, keeping the maxima.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly Thread _thread;
        private readonly TimeSpan _interval;
        private volatile bool _stopping;
        private long _rss;
        private long _anon;
        private long _managed;

        public PeakSampler(TimeSpan interval)
        {
            _interval = interval;
            _thread = new Thread(Loop) { IsBackground = true, Name = "peak sampler", Priority = ThreadPriority.AboveNormal };
            _thread.Start();
        }

        public (long VmRss, long RssAnon, long Managed) Stop()
        {
            _stopping = true;
            _thread.Join();
            return (_rss, _anon, _managed);
        }

        public void Dispose()
        {
            if (!_stopping) Stop();
        }

        private void Loop()
        {
            while (!_stopping)
            {
                var status = ProcStatus.Read();
                _rss = Math.Max(_rss, status.VmRss);
                _anon = Math.Max(_anon, status.RssAnon);
                _managed = Math.Max(_managed, GC.GetTotalMemory(forceFullCollection: false));
                Thread.Sleep(_interval);
            }
        }
    }
}
