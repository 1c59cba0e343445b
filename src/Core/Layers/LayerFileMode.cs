namespace ManagedImages.Layers;

/// <summary>Octal permission strings of a registration (<c>"0755"</c>, <c>"644"</c>) as tar modes.</summary>
internal static class LayerFileMode
{
    public static UnixFileMode Parse(string? mode, string field = "mode")
    {
        if (mode is null) return LayerEntry.DefaultFileMode;
        var digits = mode.StartsWith("0o", StringComparison.OrdinalIgnoreCase) ? mode[2..] : mode;
        if (digits.Length is >= 3 and <= 5 && digits.All(c => c is >= '0' and <= '7'))
        {
            var value = 0;
            foreach (var c in digits) value = (value * 8) + (c - '0');
            if (value <= 0b111_111_111_111) return (UnixFileMode)value;
        }

        throw new ArgumentException(
            $"{field}: '{mode}' is not a file mode; expected octal permission bits like \"0644\" or \"0755\" (at most 07777).",
            nameof(mode));
    }
}
