namespace ManagedImages.Registry;

/// <summary>
/// Where the credentials for a registry host come from. The default reads <see cref="RegistryOptions.Credentials"/>;
/// an Entra ID exchange for ACR can plug in here.
/// </summary>
public interface IRegistryCredentialSource
{
    /// <param name="registry">The registry host as references name it (e.g. <c>docker.io</c>, <c>x.azurecr.io</c>).</param>
    /// <returns>The credentials, or null to stay anonymous.</returns>
    ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken);

    /// <summary>The registry refused the refresh token it was given (revoked, or rights changed): drop any cached one.</summary>
    void Forget(string registry)
    {
    }
}
