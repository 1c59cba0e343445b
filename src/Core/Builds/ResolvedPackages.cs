using System.Text.Json.Serialization;
using ManagedImages.Registrations;

namespace ManagedImages.Builds;

/// <summary>
/// What a build installed, read from the image's package lock: every installed Debian package and every pip
/// distribution with its version (not only those registered), so versions can be compared and pinned again.
/// </summary>
public sealed record ResolvedPackages(
    [property: JsonPropertyName("apt")] IReadOnlyDictionary<string, string> Apt,
    [property: JsonPropertyName("pip")] IReadOnlyDictionary<string, string> Pip)
{
    /// <summary>Where a build writes the lock inside the image: lines "apt name=version" and "pip name==version".</summary>
    public const string LockPath = "/usr/share/managed-images/packages.lock";

    public static ResolvedPackages Empty { get; } = new(new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>Reads a lock file; lines it does not understand (pip's "name @ url" form, say) are skipped.</summary>
    public static ResolvedPackages ParseLock(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var apt = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pip = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.StartsWith("apt ", StringComparison.Ordinal))
            {
                var entry = line[4..];
                var equals = entry.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && equals < entry.Length - 1) apt.TryAdd(entry[..equals], entry[(equals + 1)..]);
            }
            else if (line.StartsWith("pip ", StringComparison.Ordinal))
            {
                var entry = line[4..];
                var equals = entry.IndexOf("==", StringComparison.Ordinal);
                if (equals > 0 && equals < entry.Length - 2) pip.TryAdd(PackageNames.NormalizePip(entry[..equals]), entry[(equals + 2)..]);
            }
        }
        return new ResolvedPackages(apt, pip);
    }

    /// <summary>
    /// The registered entries with the recorded versions of those that do not pin one themselves, so a rebuild installs
    /// what the recorded build installed: "curl" becomes "curl=7.88.1-10", "requests" becomes "requests==2.32.3".
    /// </summary>
    public PackageSpec Pin(PackageSpec registered)
    {
        ArgumentNullException.ThrowIfNull(registered);
        return new PackageSpec
        {
            Apt = [.. registered.Apt.Select(e => PinOne(e, PackageNames.AptPinned(e), Apt, PackageNames.AptName(e), "=", PackageNames.AptProblem))],
            Pip = [.. registered.Pip.Select(e => PinOne(e, PackageNames.PipPinned(e), Pip, PackageNames.PipName(e), "==", PackageNames.PipProblem))],
        };
    }

    // A recorded version comes out of a built image: it is used only when the pinned entry passes validation too.
    private static string PinOne(
        string entry, bool pinned, IReadOnlyDictionary<string, string> recorded, string name, string separator, Func<string?, string?> problemOf)
    {
        if (pinned || !recorded.TryGetValue(name, out var version)) return entry;
        var candidate = entry + separator + version;
        return problemOf(candidate) is null ? candidate : entry;
    }
}
