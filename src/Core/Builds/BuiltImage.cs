namespace ManagedImages.Builds;

/// <summary>A pushed version: <paramref name="Image"/> is pinned by digest (<c>registry/repo@sha256:…</c>).</summary>
public sealed record BuiltImage(string Image, string Digest, string BaseDigest);
