namespace ManagedImages.Benchmarks.Harness;

/// <summary>The local stack's settings from <c>scripts/stack env</c>; fails with a hint when one is missing or does not answer.</summary>
internal static class StackSettings
{
    private const string StartHint = "start it with scripts/stack up, then eval \"$(scripts/stack env)\"";

    public static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set: the local stack provides it; {StartHint}.");

    /// <summary>MANAGEDIMAGES_REGISTRY, after checking that the registry answers <c>/v2/</c>.</summary>
    public static async Task<string> RequireRegistryAsync(CancellationToken cancellationToken)
    {
        var registry = Require("MANAGEDIMAGES_REGISTRY");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{registry}/v2/"), cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"The registry at MANAGEDIMAGES_REGISTRY={registry} does not answer ({e.Message}): {StartHint}.", e);
        }
        return registry;
    }
}
