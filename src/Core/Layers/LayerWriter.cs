using System.Formats.Tar;
using System.IO.Compression;
using ManagedImages.Oci;
using ManagedImages.Registrations;

namespace ManagedImages.Layers;

/// <summary>
/// Writes layers deterministically: the same entries give the same bytes, so the same digests, on every run.
/// Entries are sorted by path, missing parent directories are added (0755), every entry is owned by 0:0 with no
/// user or group names and dated at the Unix epoch, and the tar (GNU format: PAX headers would carry the writer's
/// process id) is gzip-compressed at level 6 with a pinned header. The layer streams to a temporary file while both
/// digests are computed, so memory does not grow with the layer's size.
/// </summary>
public static class LayerWriter
{
    private const int GzipLevel = 6;

    /// <summary>The entries of a registration's layer: its files (with their modes) and its removals as whiteouts.</summary>
    public static IReadOnlyList<LayerEntry> EntriesFor(Registration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var entries = new List<LayerEntry>();
        for (var i = 0; i < registration.Files.Count; i++)
        {
            var file = registration.Files[i];
            var path = LayerPath.Normalize(file.Path, $"files[{i}].path");
            if (path.Split('/')[^1].StartsWith(LayerPath.WhiteoutPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"files[{i}].path: '{file.Path}' starts with '{LayerPath.WhiteoutPrefix}', which layers reserve for removals; use \"remove\" to remove a path.");
            if (file.Mode is not null && !FileModes.TryParse(file.Mode, out _))
                throw new ArgumentException($"files[{i}].mode: '{file.Mode}' is not a file mode; use {FileModes.Accepted}.");
            var mode = (UnixFileMode)FileModes.ParseOrDefault(file.Mode);
            entries.Add(new LayerEntry { Path = path, Kind = LayerEntryKind.File, Mode = mode, OpenContent = () => new MemoryStream(file.Bytes(), writable: false) });
        }

        for (var i = 0; i < registration.Remove.Count; i++)
            entries.Add(new LayerEntry { Path = LayerPath.Normalize(registration.Remove[i], $"remove[{i}]"), Kind = LayerEntryKind.Whiteout });

        return entries;
    }

    /// <summary>Writes the layer of a registration's files and removals.</summary>
    public static Task<LayerFile> WriteAsync(Registration registration, CancellationToken cancellationToken) =>
        WriteAsync(EntriesFor(registration), cancellationToken);

    /// <summary>Writes a layer of <paramref name="entries"/>; the caller disposes the result (which deletes its file).</summary>
    public static async Task<LayerFile> WriteAsync(IEnumerable<LayerEntry> entries, CancellationToken cancellationToken)
    {
        var plan = Plan(entries);
        var file = new FileStream(
            Path.Combine(Path.GetTempPath(), $"managedimages-layer-{Guid.NewGuid():N}.tar.gz"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            using var compressed = new DigestingStream(file);
            Digest diffId;
            await using (var gzip = new GZipStream(new GzipHeaderPinningStream(compressed), new ZLibCompressionOptions { CompressionLevel = GzipLevel }))
            {
                using var uncompressed = new DigestingStream(gzip);
                await using (var tar = new TarWriter(uncompressed, TarEntryFormat.Gnu, leaveOpen: true))
                {
                    foreach (var (name, entry) in plan)
                        await WriteEntryAsync(tar, name, entry, cancellationToken);
                }
                diffId = uncompressed.Complete();
            }

            await file.FlushAsync(cancellationToken);
            file.Position = 0;
            return new LayerFile(file, compressed.Complete(), compressed.BytesWritten, diffId);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The tar names and entries in the order they are written, parents first; throws for duplicates and conflicts.</summary>
    internal static IReadOnlyList<(string Name, LayerEntry Entry)> Plan(IEnumerable<LayerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var byPath = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        var whiteouts = new Dictionary<string, LayerEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var target = entry.Kind == LayerEntryKind.Whiteout ? whiteouts : byPath;
            if (!target.TryAdd(entry.Path, entry))
                throw new ArgumentException($"'/{entry.Path}' is given twice; each path may appear once in a layer.", nameof(entries));
        }

        foreach (var entry in byPath.Values.ToList())
        {
            for (var parent = LayerPath.Parent(entry.Path); parent is not null; parent = LayerPath.Parent(parent))
            {
                if (byPath.TryGetValue(parent, out var existing))
                {
                    if (existing.Kind != LayerEntryKind.Directory)
                        throw new ArgumentException($"'/{entry.Path}' is inside '/{parent}', which the layer writes as a {existing.Kind}; a path cannot be both a file and a directory.", nameof(entries));
                    continue;
                }
                byPath[parent] = LayerEntry.Directory(parent);
            }
        }

        var plan = byPath.Values.Select(e => (Name: e.Kind == LayerEntryKind.Directory ? e.Path + "/" : e.Path, Entry: e))
            .Concat(whiteouts.Values.Select(e => (Name: LayerPath.WhiteoutFor(e.Path), Entry: e)))
            .ToList();
        plan.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (var i = 1; i < plan.Count; i++)
        {
            if (plan[i].Name == plan[i - 1].Name)
                throw new ArgumentException($"'/{plan[i].Name}' is given twice; each path may appear once in a layer.", nameof(entries));
        }
        return plan;
    }

    private static async Task WriteEntryAsync(TarWriter tar, string name, LayerEntry entry, CancellationToken cancellationToken)
    {
        var type = entry.Kind switch
        {
            LayerEntryKind.Directory => TarEntryType.Directory,
            LayerEntryKind.SymbolicLink => TarEntryType.SymbolicLink,
            _ => TarEntryType.RegularFile,
        };
        var tarEntry = new GnuTarEntry(type, name)
        {
            ModificationTime = DateTimeOffset.UnixEpoch,
            Mode = entry.Kind == LayerEntryKind.Whiteout ? LayerEntry.DefaultFileMode : entry.Mode,
            Uid = 0,
            Gid = 0,
            UserName = "",
            GroupName = "",
        };
        if (entry.Kind == LayerEntryKind.SymbolicLink)
            tarEntry.LinkName = entry.LinkTarget ?? throw new ArgumentException($"The symbolic link '/{entry.Path}' has no target.", nameof(entry));

        if (entry.Kind != LayerEntryKind.File)
        {
            await tar.WriteEntryAsync(tarEntry, cancellationToken);
            return;
        }

        var content = entry.OpenContent?.Invoke() ?? throw new ArgumentException($"The file '/{entry.Path}' has no content.", nameof(entry));
        await using (content)
        {
            if (!content.CanSeek)
                throw new ArgumentException($"The content of '/{entry.Path}' must be a seekable stream (its length goes into the tar header first).", nameof(entry));
            tarEntry.DataStream = content;
            await tar.WriteEntryAsync(tarEntry, cancellationToken);
        }
    }
}
