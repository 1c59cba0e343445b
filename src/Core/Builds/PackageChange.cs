namespace ManagedImages.Builds;

/// <summary>
/// One package that differs between two builds: <paramref name="From"/> is null when it was added,
/// <paramref name="To"/> is null when it was removed.
/// </summary>
public sealed record PackageChange(string Manager, string Name, string? From, string? To)
{
    /// <summary>The changes from <paramref name="from"/> to <paramref name="to"/>, by manager (apt, then pip) and name.</summary>
    public static IReadOnlyList<PackageChange> Between(ResolvedPackages from, ResolvedPackages to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        return [.. Compare("apt", from.Apt, to.Apt), .. Compare("pip", from.Pip, to.Pip)];
    }

    private static IEnumerable<PackageChange> Compare(
        string manager, IReadOnlyDictionary<string, string> from, IReadOnlyDictionary<string, string> to) =>
        from.Keys.Union(to.Keys)
            .Order(StringComparer.Ordinal)
            .Select(name => new PackageChange(manager, name, from.GetValueOrDefault(name), to.GetValueOrDefault(name)))
            .Where(change => change.From != change.To);
}
