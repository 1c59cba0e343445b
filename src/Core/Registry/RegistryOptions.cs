namespace ManagedImages.Registry;

/// <summary>How the registry client reaches registries. Bound from the configuration section "Registry".</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>
    /// Hosts (with port) spoken to over plain http. Any host starting with 127.0.0.1 or localhost is plain http too.
    /// </summary>
    public IList<string> PlainHttp { get; } = ["127.0.0.1:5000", "localhost:5000"];

    /// <summary>
    /// Credentials per registry host. Configuration keys cannot hold a ':' so hosts with a port are set in code
    /// (or through <see cref="IRegistryCredentialSource"/>).
    /// </summary>
    public IDictionary<string, RegistryCredential> Credentials { get; } =
        new Dictionary<string, RegistryCredential>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Base repositories registrations may name and the service may read, as <c>host/repository</c> (exact) or
    /// <c>host/prefix/*</c> (anything under the prefix), e.g. <c>docker.io/library/busybox</c>, <c>myacr.azurecr.io/bases/*</c>.
    /// Empty (the one-machine default) allows any base. When set, the registry client also refuses to write anywhere but
    /// the custom-image repositories (<c>CustomImages:Registry</c>/<c>CustomImages:RepositoryPrefix</c>/...) and to read
    /// anything else than those and the allowed bases.
    /// </summary>
    public IList<string> AllowedBaseRepositories { get; } = [];

    /// <summary>Registries that take an Entra ID identity (Azure Container Registry), from the section "Registry:Acr".</summary>
    public AcrOptions Acr { get; } = new();

    /// <summary>Blobs larger than this are uploaded in chunks of this size, from one buffer of this size.</summary>
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>How many tags to ask for per page of a tags list.</summary>
    public int TagsPageSize { get; set; } = 1000;

    /// <summary>Retries of a transient failure (429, 5xx, connection reset, timeout) after the first attempt.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The first retry delay; later ones grow exponentially. A Retry-After header wins.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one attempt of one request may take.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>The largest manifest accepted (the distribution spec suggests registries accept at least 4 MiB).</summary>
    public int MaxManifestBytes { get; set; } = 4 * 1024 * 1024;
}
