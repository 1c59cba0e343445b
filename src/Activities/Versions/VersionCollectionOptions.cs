namespace ManagedImages.Versions;

/// <summary>How many versions garbage collection keeps, and how long a run's lease on its version holds (section "Versions").</summary>
public sealed class VersionCollectionOptions
{
    public const string Section = "Versions";

    /// <summary>The newest versions kept per nickname; the pinned and current ones and those in use are kept besides.</summary>
    public int Keep { get; set; } = 10;

    /// <summary>
    /// A run's lease on its version expires after this, in case the run crashed and never released it; a job running
    /// longer than this no longer protects its version.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromDays(1);
}
