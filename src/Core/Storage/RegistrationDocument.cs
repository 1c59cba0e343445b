using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;
using ManagedImages.Registrations;

namespace ManagedImages.Storage;

/// <summary>
/// A registration as it sits in its table row: gzip'd JSON cut into binary parts, because one property holds at most
/// 64 KiB while a registration with files can hold more.
/// </summary>
internal static class RegistrationDocument
{
    public const int PartBytes = 64 * 1024;

    /// <summary>15 parts keep a row under the 1 MiB entity limit with room for the other properties.</summary>
    public const int MaxParts = 15;

    // Relaxed escaping: the document is never embedded in HTML, and escaping non-ASCII text would only make it larger.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IReadOnlyList<byte[]> Split(Registration registration)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            JsonSerializer.Serialize(gzip, registration, Json);

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (bytes.Length > MaxParts * PartBytes)
        {
            throw new ArgumentException(
                $"The registration takes {RegistrationLimits.Describe(bytes.Length)} compressed; a stored registration holds at most " +
                $"{RegistrationLimits.Describe(MaxParts * PartBytes)}. Make its files or other values smaller.", nameof(registration));
        }

        var parts = new List<byte[]>();
        for (var offset = 0; offset < bytes.Length; offset += PartBytes)
            parts.Add(bytes.Slice(offset, Math.Min(PartBytes, bytes.Length - offset)).ToArray());
        return parts;
    }

    public static Registration Join(IEnumerable<byte[]> parts)
    {
        using var buffer = new MemoryStream();
        foreach (var part in parts) buffer.Write(part);
        buffer.Position = 0;
        using var gzip = new GZipStream(buffer, CompressionMode.Decompress);
        return JsonSerializer.Deserialize<Registration>(gzip, Json)
            ?? throw new InvalidDataException("The stored registration document is empty.");
    }
}
