namespace ManagedImages.Upgrades;

/// <summary>Which images a base push upgrades at once, and how many at a time (section "BasePush").</summary>
public sealed class BasePushOptions
{
    public const string Section = "BasePush";

    /// <summary>Images last run longer ago than this stay lazy: their next run upgrades them.</summary>
    public TimeSpan RecentWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Upgrades started by base pushes that build at the same time in this process.</summary>
    public int MaxConcurrentUpgrades { get; set; } = 4;

    /// <summary>
    /// Upgrades one event starts at the same time (each a few table reads and writes and a registry tag list; the builds
    /// themselves begin once the event is handled, bounded by <see cref="MaxConcurrentUpgrades"/>).
    /// </summary>
    public int ConcurrentStarts { get; set; } = 32;
}
