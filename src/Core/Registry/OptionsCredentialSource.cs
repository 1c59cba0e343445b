using Microsoft.Extensions.Options;

namespace ManagedImages.Registry;

/// <summary>Credentials from <see cref="RegistryOptions.Credentials"/>, keyed by registry host.</summary>
internal sealed class OptionsCredentialSource(IOptionsMonitor<RegistryOptions> options) : IRegistryCredentialSource
{
    public ValueTask<RegistryCredential?> GetCredentialAsync(string registry, CancellationToken cancellationToken)
    {
        options.CurrentValue.Credentials.TryGetValue(registry, out var credential);
        return ValueTask.FromResult(credential);
    }
}
