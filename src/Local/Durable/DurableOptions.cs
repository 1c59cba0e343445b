namespace ManagedImages.Local.Durable;

/// <summary>
/// The durable backend of the one-machine host: the in-process gRPC sidecar and the Azure Storage provider behind it.
/// The timings are short on purpose: after a crash the restarted host must take the runs over within seconds,
/// not after the provider's cloud defaults (5-minute queue visibility, 30-second leases, a 60-second app lease).
/// </summary>
public sealed class DurableOptions
{
    public const string Section = "Durable";

    public DurableBackendKind Backend { get; set; } = DurableBackendKind.AzureStorage;

    /// <summary>Groups the queues, tables and blobs of one host; letters and digits, starting with a letter, 3 to 45 long.</summary>
    public string TaskHub { get; set; } = "managedimages";

    /// <summary>The loopback port of the sidecar's HTTP/2 (h2c) endpoint that the worker and client talk to.</summary>
    public int SidecarPort { get; set; } = 4001;

    /// <summary>The longest an idle hub waits between queue polls; the provider's default of 30 s makes an idle host slow to react.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a dequeued orchestration message stays invisible: after a crash it comes back after at most this.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a dequeued activity message stays invisible; renewed while the activity runs, so it can be short.</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a partition lease lasts unless renewed: a crashed host's partitions are free after this.</summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan LeaseAcquireInterval { get; set; } = TimeSpan.FromSeconds(2);

    public IReadOnlyList<string> Validate()
    {
        List<string> errors = [];
        if (TaskHub.Length is < 3 or > 45 || !char.IsAsciiLetter(TaskHub[0]) || !TaskHub.All(char.IsAsciiLetterOrDigit))
        {
            errors.Add($"Durable:TaskHub '{TaskHub}' must be 3 to 45 letters or digits, starting with a letter.");
        }

        if (SidecarPort is < 0 or > 65535)
        {
            errors.Add($"Durable:SidecarPort {SidecarPort} must be a TCP port (0 picks a free one).");
        }

        if (LeaseRenewInterval >= LeaseInterval)
        {
            errors.Add("Durable:LeaseRenewInterval must be shorter than Durable:LeaseInterval.");
        }

        return errors;
    }
}
