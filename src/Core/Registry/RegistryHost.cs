namespace ManagedImages.Registry;

/// <summary>Where the API of a registry named in a reference lives, and over which scheme.</summary>
internal static class RegistryHost
{
    public const string DockerHubApi = "registry-1.docker.io";

    /// <summary>The host (with port) that serves the API: docker.io's API is not on docker.io.</summary>
    public static string ApiAuthority(string registry) =>
        registry is Oci.ImageReference.DockerHub or "index.docker.io" ? DockerHubApi : registry;

    public static bool IsPlainHttp(string authority, RegistryOptions options) =>
        authority.StartsWith("127.0.0.1", StringComparison.Ordinal) ||
        authority.StartsWith("localhost", StringComparison.OrdinalIgnoreCase) ||
        options.PlainHttp.Contains(authority, StringComparer.OrdinalIgnoreCase);

    /// <summary>The API root, e.g. <c>https://registry-1.docker.io/v2/</c>.</summary>
    public static Uri ApiRoot(string registry, RegistryOptions options)
    {
        var authority = ApiAuthority(registry);
        var scheme = IsPlainHttp(authority, options) ? "http" : "https";
        return new Uri($"{scheme}://{authority}/v2/");
    }
}
