namespace ManagedImages.Layers;

/// <summary>
/// One path of a layer. <see cref="Path"/> is relative to the image root, without leading or trailing slash.
/// File content is opened only when the entry is written, so a layer can hold more than fits in memory.
/// </summary>
public sealed record LayerEntry
{
    public const UnixFileMode DefaultFileMode = (UnixFileMode)0b110_100_100;      // 0644
    public const UnixFileMode DefaultDirectoryMode = (UnixFileMode)0b111_101_101; // 0755

    public required string Path { get; init; }

    public required LayerEntryKind Kind { get; init; }

    public UnixFileMode Mode { get; init; }

    /// <summary>Opens the file's content; the stream must know its length (a file, a memory stream, or any seekable stream).</summary>
    public Func<Stream>? OpenContent { get; init; }

    /// <summary>Where a symbolic link points.</summary>
    public string? LinkTarget { get; init; }

    public static LayerEntry File(string path, UnixFileMode mode, Func<Stream> openContent) =>
        new() { Path = LayerPath.Normalize(path), Kind = LayerEntryKind.File, Mode = mode, OpenContent = openContent };

    public static LayerEntry File(string path, UnixFileMode mode, byte[] content) =>
        File(path, mode, () => new MemoryStream(content, writable: false));

    public static LayerEntry Directory(string path, UnixFileMode mode = DefaultDirectoryMode) =>
        new() { Path = LayerPath.Normalize(path), Kind = LayerEntryKind.Directory, Mode = mode };

    public static LayerEntry SymbolicLink(string path, string target) =>
        new() { Path = LayerPath.Normalize(path), Kind = LayerEntryKind.SymbolicLink, Mode = (UnixFileMode)0b111_111_111, LinkTarget = target };

    public static LayerEntry Whiteout(string removedPath) =>
        new() { Path = LayerPath.Normalize(removedPath), Kind = LayerEntryKind.Whiteout };
}
