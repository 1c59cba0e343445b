namespace ManagedImages.Builds;

/// <summary>How registrations that install packages are built (section "Builds").</summary>
public sealed class PackageBuildOptions
{
    public const string Section = "Builds";

    /// <summary>The builder of package registrations: "Docker" (the local engine); "AcrTasks" comes later.</summary>
    public string PackageBuilder { get; set; } = "Docker";

    public DockerBuildSettings Docker { get; set; } = new();

    public AptSourceSettings Apt { get; set; } = new();

    public PipSourceSettings Pip { get; set; } = new();
}
