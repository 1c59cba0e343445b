namespace ManagedImages.Registry;

/// <summary>What the client tells its handlers about one request.</summary>
internal static class RegistryRequestOptions
{
    /// <summary>The narrowest token scopes the request needs, e.g. <c>repository:app:pull</c>.</summary>
    public static readonly HttpRequestOptionsKey<IReadOnlyList<string>> Scopes = new("ManagedImages.Registry.Scopes");

    /// <summary>Set on upload requests: the client resumes them itself from the upload session's state.</summary>
    public static readonly HttpRequestOptionsKey<bool> NotRetryable = new("ManagedImages.Registry.NotRetryable");

    public static bool IsNotRetryable(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(NotRetryable, out var value) && value;
}
