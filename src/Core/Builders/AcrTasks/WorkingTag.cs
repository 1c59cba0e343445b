using System.Globalization;

namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// The tag a builder pushes version N under (<c>build-vN</c>) before the service publishes it as <c>vN</c> with its
/// annotations; its push is what the ACR webhook reports.
/// </summary>
public static class WorkingTag
{
    private const string Prefix = "build-v";

    public static string For(int version) => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{version}");

    /// <summary>The version a working tag names; false for any other tag.</summary>
    public static bool TryParse(string? tag, out int version)
    {
        version = 0;
        return tag is not null && tag.StartsWith(Prefix, StringComparison.Ordinal) &&
            tag.Length > Prefix.Length && tag[Prefix.Length] != '0' && tag.AsSpan(Prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0 &&
            int.TryParse(tag.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
