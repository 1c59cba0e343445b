using ManagedImages.Oci;

namespace ManagedImages.Builds;

/// <summary>
/// What makes two builds the same build: the nickname, the registration revision and the base digest.
/// Single flight is per key: runs that need the same key share one build.
/// </summary>
public sealed record BuildKey(string Nickname, long Revision, string BaseDigest)
{
    /// <summary>The build record's row key: <c>r{revision}-{digest hex}</c>.</summary>
    public string RowKey => $"r{Revision}-{Digest.Parse(BaseDigest).Encoded}";

    public override string ToString() => $"{Nickname}/{RowKey}";
}
