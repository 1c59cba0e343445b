namespace ManagedImages.Builders.AcrTasks;

/// <summary>Where and how package builds run on ACR Tasks (section "Builds:AcrTasks").</summary>
public sealed class AcrTasksOptions
{
    public const string Section = "Builds:AcrTasks";

    /// <summary>The shortest and longest run timeout ACR Tasks accepts (seconds).</summary>
    public const int MinRunTimeoutSeconds = 300;
    public const int MaxRunTimeoutSeconds = 28800;

    public string SubscriptionId { get; set; } = "";

    public string ResourceGroup { get; set; } = "";

    /// <summary>The registry's resource name (<c>myacr</c> for <c>myacr.azurecr.io</c>); its runs build and push there.</summary>
    public string RegistryName { get; set; } = "";

    /// <summary>Azure Resource Manager; another cloud's endpoint (or a test's) goes here.</summary>
    public Uri ArmEndpoint { get; set; } = new("https://management.azure.com");

    /// <summary>The token scope for <see cref="ArmEndpoint"/>.</summary>
    public string TokenScope { get; set; } = "https://management.azure.com/.default";

    /// <summary>A Microsoft.ContainerRegistry api-version that has scheduleRun, listBuildSourceUploadUrl and runs.</summary>
    public string ApiVersion { get; set; } = "2019-06-01-preview";

    /// <summary>
    /// A run still going after this is cancelled and the build fails. ACR Tasks gets it as the run's own timeout too
    /// (raised to its minimum of 5 minutes), so a run outlives this service by no more than that.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often a run's status is read (a Retry-After from ARM takes precedence).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The platform the run builds for, as os/architecture[/variant].</summary>
    public string Platform { get; set; } = "linux/amd64";

    /// <summary>Cores of the run's agent; null leaves ACR's default (2).</summary>
    public int? AgentCpu { get; set; }

    /// <summary>How often a throttled (429) or failing (5xx) ARM request is tried again.</summary>
    public int MaxRetries { get; set; } = 6;

    /// <summary>The wait before a retry when ARM names none.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many of the last lines of a failed run's log its failure message carries.</summary>
    public int LogTailLines { get; set; } = 30;

    public string RegistryResourcePath =>
        $"/subscriptions/{Uri.EscapeDataString(SubscriptionId)}/resourceGroups/{Uri.EscapeDataString(ResourceGroup)}" +
        $"/providers/Microsoft.ContainerRegistry/registries/{Uri.EscapeDataString(RegistryName)}";

    /// <summary>The run timeout sent to ACR Tasks: <see cref="Timeout"/> within the range it accepts.</summary>
    public int RunTimeoutSeconds => (int)Math.Clamp(Math.Ceiling(Timeout.TotalSeconds), MinRunTimeoutSeconds, MaxRunTimeoutSeconds);
}
