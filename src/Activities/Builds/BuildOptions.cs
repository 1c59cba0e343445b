namespace ManagedImages.Builds;

/// <summary>How long a build may take and how often a waiting run checks on it (section "Builds").</summary>
public sealed class BuildOptions
{
    public const string Section = "Builds";

    /// <summary>A build still running after this is given up; the previous version stays current.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A waiting run looks at the build record this often, so a build whose host died is restarted and a completion
    /// event that never came is noticed.
    /// </summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}
