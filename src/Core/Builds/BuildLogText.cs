using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace ManagedImages.Builds;

/// <summary>
/// A build log as it is stored: gzip'd UTF-8 lines cut into 64 KiB parts (one table property each). A log longer than
/// the parts can hold keeps its first and last lines, with a line saying how many were left out between them.
/// </summary>
internal static class BuildLogText
{
    public const int PartBytes = 64 * 1024;

    /// <summary>Leaves room in the 1 MiB entity for the recording's other properties.</summary>
    public const int MaxParts = 12;

    public const int HeadLines = 200;

    /// <summary>Longer lines are cut: with it, the head and a few tail lines always fit.</summary>
    public const int MaxLineLength = 2000;

    public static IReadOnlyList<byte[]> Split(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        lines = [.. lines.Select(l => l.Length <= MaxLineLength ? l : l[..MaxLineLength] + "…")];
        var kept = lines;
        while (true)
        {
            var bytes = Compress(kept);
            if (bytes.Length <= MaxParts * PartBytes)
            {
                var parts = new List<byte[]>();
                for (var offset = 0; offset < bytes.Length; offset += PartBytes)
                    parts.Add(bytes.AsSpan(offset, Math.Min(PartBytes, bytes.Length - offset)).ToArray());
                return parts;
            }
            // Keep the head (what was built) and ever fewer lines of the tail (where it failed) until it fits.
            var tail = Math.Max(1, (kept.Count - HeadLines) / 2);
            var left = lines.Count - HeadLines - tail;
            kept = [.. lines.Take(HeadLines), string.Create(CultureInfo.InvariantCulture, $"… {left} lines left out …"), .. lines.Skip(lines.Count - tail)];
        }
    }

    public static IReadOnlyList<string> Join(IEnumerable<byte[]> parts)
    {
        using var buffer = new MemoryStream();
        foreach (var part in parts) buffer.Write(part);
        if (buffer.Length == 0) return [];
        buffer.Position = 0;
        using var gzip = new GZipStream(buffer, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    private static byte[] Compress(IReadOnlyList<string> lines)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        using (var writer = new StreamWriter(gzip, new UTF8Encoding(false)))
        {
            foreach (var line in lines) writer.Write(line + "\n");
        }
        return buffer.ToArray();
    }
}
