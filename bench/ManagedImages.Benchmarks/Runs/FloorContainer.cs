namespace ManagedImages.Benchmarks.Runs;

/// <summary>A container the floor made, and the engine's Created timestamp of it (UTC).</summary>
internal sealed record FloorContainer(string Id, DateTime Created);
