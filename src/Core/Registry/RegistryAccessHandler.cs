namespace ManagedImages.Registry;

/// <summary>
/// Enforces <see cref="RegistryAccessPolicy"/> on every request of the registry client, from the scopes the client
/// names for it (pull, push, delete per repository), before anything is sent or any token is asked for.
/// </summary>
internal sealed class RegistryAccessHandler(RegistryAccessPolicy policy) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (policy.IsRestricted)
        {
            var scopes = request.Options.TryGetValue(RegistryRequestOptions.Scopes, out var s) ? s : [];
            var authority = request.RequestUri!.Authority;
            var registry = authority == RegistryHost.DockerHubApi ? Oci.ImageReference.DockerHub : authority;
            policy.Check(registry, scopes, $"{request.Method} {request.RequestUri.GetLeftPart(UriPartial.Path)}");
        }
        return base.SendAsync(request, cancellationToken);
    }
}
