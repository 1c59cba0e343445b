using System.Collections.Concurrent;
using System.Net;

namespace ManagedImages.IntegrationTests.Layers;

/// <summary>One request the registry client sent and the status it got.</summary>
public sealed record RegistryRequest(HttpMethod Method, Uri Uri, HttpStatusCode Status)
{
    public string? Query(string name) =>
        Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p[0] == name && p.Length == 2)
            .Select(p => Uri.UnescapeDataString(p[1]))
            .FirstOrDefault();
}

/// <summary>The requests sent to the registry, for asserting on what moved (tests filter by their own repository).</summary>
public sealed class RegistryRequestLog
{
    private readonly ConcurrentQueue<RegistryRequest> _requests = new();

    public void Add(RegistryRequest request) => _requests.Enqueue(request);

    public IReadOnlyList<RegistryRequest> For(string repository) =>
        [.. _requests.Where(r => r.Uri.AbsolutePath.StartsWith($"/v2/{repository}/", StringComparison.Ordinal))];
}
