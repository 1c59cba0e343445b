namespace ManagedImages.Registrations;

/// <summary>Octal file modes as registrations write them ("0644", "755"), parsed to permission bits and back.</summary>
public static class FileModes
{
    /// <summary>0644: what a file gets when its registration gives no mode.</summary>
    public const int DefaultFile = 420;

    /// <summary>07777: permission bits plus setuid, setgid and sticky.</summary>
    public const int Max = 4095;

    public const string Accepted = "3 or 4 octal digits like 0644 or 0755 (at most 07777)";

    public static bool TryParse(string? text, out int mode)
    {
        mode = 0;
        if (text is null || text.Length is < 3 or > 4) return false;
        foreach (var c in text)
        {
            if (c is < '0' or > '7') return false;
            mode = mode * 8 + (c - '0');
        }
        return true;
    }

    /// <summary>The mode of <paramref name="text"/>, or <see cref="DefaultFile"/> when it is null.</summary>
    public static int ParseOrDefault(string? text)
    {
        if (text is null) return DefaultFile;
        return TryParse(text, out var mode) ? mode : throw new FormatException($"'{text}' is not a file mode; use {Accepted}");
    }

    /// <summary>Four octal digits: 420 is "0644".</summary>
    public static string Format(int mode)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mode, Max);
        return Convert.ToString(mode, 8).PadLeft(4, '0');
    }
}
