using Microsoft.Extensions.Configuration;

namespace ManagedImages.IntegrationTests.Infrastructure;

/// <summary>
/// The shared local stack's settings, as <c>eval "$(scripts/stack env)"</c> exports them. A missing setting or a
/// part that does not answer fails the test with what to do (never a silent pass or skip).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The local stack of services, not a collection.")]
public static class LocalStack
{
    public const string StartHint = "start it with scripts/stack up, then eval \"$(scripts/stack env)\" before running the tests";

    /// <summary>The registry host and port, e.g. <c>127.0.0.1:5000</c> (MANAGEDIMAGES_REGISTRY).</summary>
    public static string Registry => Require("MANAGEDIMAGES_REGISTRY");

    /// <summary>The Azurite connection string (MANAGEDIMAGES_STORAGE).</summary>
    public static string StorageConnectionString => Require("MANAGEDIMAGES_STORAGE");

    /// <summary>The Docker engine endpoint (DOCKER_HOST).</summary>
    public static string DockerHost => Require("DOCKER_HOST");

    /// <summary>The registry host after checking that it answers <c>GET /v2/</c>.</summary>
    public static async Task<string> RequireRegistryAsync()
    {
        var registry = Registry;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{registry}/v2/"));
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"The registry at {registry} answered {(int)response.StatusCode} to GET /v2/; {StartHint}.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException($"The registry at {registry} (MANAGEDIMAGES_REGISTRY) does not answer ({ex.Message}); {StartHint}.", ex);
        }
        return registry;
    }

    /// <summary>The configuration the hosts would build from the stack's environment variables.</summary>
    public static IConfiguration Configuration(IDictionary<string, string?>? extra = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = Environment.GetEnvironmentVariable("MANAGEDIMAGES_STORAGE"),
            ["CustomImages:Registry"] = Environment.GetEnvironmentVariable("MANAGEDIMAGES_REGISTRY"),
            ["Docker:Host"] = Environment.GetEnvironmentVariable("DOCKER_HOST"),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) values[key] = value;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>A name no other test or run uses, e.g. <c>it-oci-1a2b3c4d</c>.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: the tests need the local stack; {StartHint}.");
}
