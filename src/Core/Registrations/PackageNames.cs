using System.Buffers;
using System.Text.RegularExpressions;

namespace ManagedImages.Registrations;

/// <summary>
/// The package entries a registration may list. They are checked strictly because they reach a package manager's
/// command line: a Debian package name (policy: lowercase letters, digits, '+', '-', '.'), optionally ':arch' and
/// '=version'; or a Python distribution name (PEP 508), optionally with extras and an exact '==version' pin (PEP 440
/// characters). Anything else (options, URLs, paths, shell syntax) is refused with what would be accepted.
/// </summary>
public static partial class PackageNames
{
    public const string AptAccepted =
        "a Debian package name (lowercase letters, digits, '+', '-' and '.', at least 2 characters, starting with a letter or digit), " +
        "optionally ':arch' and '=version', like curl, libssl3:amd64 or curl=7.88.1-10+deb12u5";

    public const string PipAccepted =
        "a Python package name (letters, digits, '.', '_' and '-', starting and ending with a letter or digit), optionally " +
        "[extras] and an exact '==version' pin, like requests, uvicorn[standard] or requests==2.32.3";

    /// <summary>Why <paramref name="entry"/> is not an apt package entry, or null when it is one.</summary>
    public static string? AptProblem(string? entry) => CommonProblem(entry, "apt package", AptAccepted)
        ?? (AptEntry().IsMatch(entry!) ? null : $"'{entry}' is not an apt package entry; give {AptAccepted}");

    /// <summary>Why <paramref name="entry"/> is not a pip requirement, or null when it is one.</summary>
    public static string? PipProblem(string? entry)
    {
        if (CommonProblem(entry, "pip package", PipAccepted) is { } problem) return problem;
        if (PipEntry().IsMatch(entry!)) return null;
        return VersionRange().IsMatch(entry!)
            ? $"'{entry}' uses a version range; only an exact pin with '==' is accepted: give {PipAccepted}"
            : $"'{entry}' is not a pip requirement; give {PipAccepted}";
    }

    /// <summary>The package an apt entry names, without architecture or version: "curl" for "curl:amd64=7.88".</summary>
    public static string AptName(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var end = entry.IndexOfAny([':', '=']);
        return end < 0 ? entry : entry[..end];
    }

    /// <summary>Whether an apt entry pins its version itself.</summary>
    public static bool AptPinned(string entry) => entry.Contains('=', StringComparison.Ordinal);

    /// <summary>The normalized name a pip entry names (PEP 503: lowercase, runs of '-', '_', '.' as one '-').</summary>
    public static string PipName(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var end = entry.IndexOfAny(['[', '=']);
        return NormalizePip(end < 0 ? entry : entry[..end]);
    }

    /// <summary>PEP 503 normalization, so "Foo_Bar" and "foo-bar" are one package.</summary>
    public static string NormalizePip(string name) =>
        PipSeparators().Replace(name, "-").ToLowerInvariant();

    /// <summary>Whether a pip entry pins its version itself.</summary>
    public static bool PipPinned(string entry) => entry.Contains("==", StringComparison.Ordinal);

    private static string? CommonProblem(string? entry, string what, string accepted)
    {
        if (string.IsNullOrEmpty(entry)) return $"an empty entry is not a package name; give one name without spaces per entry: {accepted}";
        if (entry.Any(char.IsWhiteSpace) || entry.Any(char.IsControl))
            return $"'{Printable(entry)}' contains whitespace or control characters; give one name without spaces per entry: {accepted}";
        if (entry[0] == '-') return $"'{entry}' starts with '-', which a package manager reads as an option; give {accepted}";
        if (entry.Contains("://", StringComparison.Ordinal) || entry.StartsWith("git+", StringComparison.OrdinalIgnoreCase))
            return $"'{entry}' is a URL; a {what} is installed by name from the configured sources: give {accepted}";
        if (entry.Contains('/', StringComparison.Ordinal) || entry[0] == '.' || entry[0] == '~')
            return $"'{entry}' is a path; a {what} is installed by name from the configured sources: give {accepted}";
        if (entry.AsSpan().IndexOfAny(ShellCharacters) is var at and >= 0)
            return $"'{entry}' contains '{entry[at]}', which has no place in a {what} entry; give {accepted}";
        return null;
    }

    private static readonly SearchValues<char> ShellCharacters = SearchValues.Create("$`'\"\\;&|<>(){}*?#@%^");

    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    // Name, optional :architecture, optional =version (a Debian version starts with a digit).
    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+(?::[a-z0-9][a-z0-9-]*)?(?:=[0-9][A-Za-z0-9.+~:-]*)?$")]
    private static partial Regex AptEntry();

    // PEP 508 name, optional [extra,extra], optional ==version of PEP 440 characters (no wildcard: it is a shell glob).
    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:\\[[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?(?:,[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)*\\])?(?:==[A-Za-z0-9][A-Za-z0-9.!+_-]*)?$")]
    private static partial Regex PipEntry();

    [GeneratedRegex("[~!]=|===")]
    private static partial Regex VersionRange();

    [GeneratedRegex("[-_.]+")]
    private static partial Regex PipSeparators();
}
