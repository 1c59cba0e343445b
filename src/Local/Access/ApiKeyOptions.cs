namespace ManagedImages.Local.Access;

/// <summary>The one-machine host's callers (section <c>Auth</c>). No keys: the API is open to callers on this machine only.</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "Auth";

    /// <summary>The client side: where the CLI reads the key it sends when <c>--api-key</c> is not given.</summary>
    public const string EnvironmentVariable = "MANAGEDIMAGES_API_KEY";

    public const string HeaderName = "X-Api-Key";

    public IList<ApiKey> ApiKeys { get; } = [];
}
