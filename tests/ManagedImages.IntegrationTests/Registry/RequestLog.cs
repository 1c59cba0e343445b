namespace ManagedImages.IntegrationTests.Registry;

/// <summary>Records the method and path of every request the registry client sends (after auth and retries).</summary>
internal sealed class RequestLog : DelegatingHandler
{
    private readonly List<(string Method, string PathAndQuery, long? BodyLength)> requests = [];

    public IReadOnlyList<(string Method, string PathAndQuery, long? BodyLength)> Requests
    {
        get { lock (requests) return [.. requests]; }
    }

    public void Clear()
    {
        lock (requests) requests.Clear();
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (requests) requests.Add((request.Method.Method, request.RequestUri!.PathAndQuery, request.Content?.Headers.ContentLength));
        return base.SendAsync(request, cancellationToken);
    }
}
