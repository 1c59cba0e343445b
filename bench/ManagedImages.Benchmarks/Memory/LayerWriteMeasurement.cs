namespace ManagedImages.Benchmarks.Memory;

/// <summary>
/// One layer write measured in its own process: the figures right before writing (after a warmup write and a full
/// GC), the peaks during it (VmHWM after, plus values sampled every few milliseconds), and how long it took.
/// </summary>
internal sealed record LayerWriteMeasurement(
    long FileBytes,
    long LayerBytes,
    double Seconds,
    long RssBefore,
    long HwmBefore,
    long HwmAfter,
    long RssPeakSampled,
    long AnonBefore,
    long AnonPeakSampled,
    long ManagedBefore,
    long ManagedPeakSampled,
    long AllocatedBytes,
    int Gen0Collections,
    int Gen2Collections)
{
    /// <summary>Peak resident set above the figure right before writing (VmHWM, so nothing between samples is missed).</summary>
    public long PeakRssDelta => HwmAfter - RssBefore;

    /// <summary>Peak private (anonymous) resident bytes above the figure right before writing, from samples.</summary>
    public long PeakAnonDelta => AnonPeakSampled - AnonBefore;

    public long PeakManagedDelta => ManagedPeakSampled - ManagedBefore;
}
