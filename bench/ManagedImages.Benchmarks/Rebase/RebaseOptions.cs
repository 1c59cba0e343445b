namespace ManagedImages.Benchmarks.Rebase;

/// <summary>The knobs of the rebase benchmark; the defaults keep a run to a few minutes (after the one-time base push).</summary>
internal sealed record RebaseOptions
{
    public int Repetitions { get; init; } = 15;

    public int VersionsPerRepetition { get; init; } = 5;

    public int WarmupRepetitions { get; init; } = 1;

    public int BaseLayers { get; init; } = 4;

    public long LargeLayerBytes { get; init; } = 256L * 1024 * 1024;

    public long SmallLayerBytes { get; init; } = 256L * 1024;
}
