using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// The build context as ACR Tasks takes it: a gzip'd tar with the Dockerfile at its root and the context's files
/// beside it, written with fixed times and modes so the same context gives the same bytes.
/// </summary>
public static class SourceArchive
{
    private const UnixFileMode FileMode = (UnixFileMode)0b110_100_100;

    public static async Task<byte[]> WriteAsync(AcrBuildContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var buffer = new MemoryStream();
        await using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            await WriteFileAsync(tar, AcrBuildContext.DockerfileName, Encoding.UTF8.GetBytes(context.Dockerfile), cancellationToken);
            foreach (var (path, content) in context.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                await WriteFileAsync(tar, CheckedPath(path), content, cancellationToken);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A context path: relative, forward slashes, no <c>..</c>, and not the Dockerfile itself.</summary>
    private static string CheckedPath(string path)
    {
        var segments = path.Split('/');
        if (path.Length == 0 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) ||
            segments.Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"The build context file '{path}' needs a relative path of plain names separated by '/'.", nameof(path));
        }
        return path == AcrBuildContext.DockerfileName
            ? throw new ArgumentException("The build context's files may not replace the Dockerfile; pass it as the Dockerfile text.", nameof(path))
            : path;
    }

    private static async Task WriteFileAsync(TarWriter tar, string name, byte[] content, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(content, writable: false);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = FileMode,
            ModificationTime = DateTimeOffset.UnixEpoch,
            DataStream = data,
        };
        await tar.WriteEntryAsync(entry, cancellationToken);
    }
}
