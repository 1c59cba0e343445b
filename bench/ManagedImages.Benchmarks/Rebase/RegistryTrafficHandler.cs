namespace ManagedImages.Benchmarks.Rebase;

/// <summary>
/// The innermost handler of the registry client's pipeline (after auth and retries), so every attempt that goes on
/// the wire is counted: request bodies by their length, response bodies by their Content-Length.
/// </summary>
internal sealed class RegistryTrafficHandler(RegistryTraffic traffic) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var sent = request.Content?.Headers.ContentLength ?? 0;
        var response = await base.SendAsync(request, cancellationToken);
        var received = request.Method == HttpMethod.Head ? 0 : response.Content.Headers.ContentLength ?? 0;
        traffic.Record(request.Method, request.RequestUri!, sent, received, response.StatusCode);
        return response;
    }
}
