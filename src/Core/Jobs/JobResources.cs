namespace ManagedImages.Jobs;

/// <summary>
/// The CPU and memory one run asks for, as Kubernetes quantities keyed <c>cpu</c> and <c>memory</c> (like a
/// container's <c>resources</c>): <see cref="Requests"/> are reserved for it, <see cref="Limits"/> are the most it may
/// use. A value left out falls back to the launcher's configuration.
/// </summary>
public sealed record JobResources
{
    public const string Cpu = "cpu";

    public const string Memory = "memory";

    public IReadOnlyDictionary<string, string> Requests { get; init; } = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Limits { get; init; } = new Dictionary<string, string>();
}
