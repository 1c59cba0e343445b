using System.Security.Cryptography;
using System.Text;
using ManagedImages.TestSupport;

namespace ManagedImages.Local.Tests;

/// <summary>
/// A host process with API keys (an admin key given as is, a user key given as its SHA-256), an ACR webhook secret,
/// and every log category at Trace on its console, which <see cref="HostProcess.Output"/> captures.
/// </summary>
public sealed class KeyedHostFixture : IAsyncLifetime
{
    private HostProcess? host;

    public string AdminKey { get; } = "admin-key-" + Guid.NewGuid().ToString("N");

    public string UserKey { get; } = "user-key-" + Guid.NewGuid().ToString("N");

    public string WebhookSecret { get; } = "acr-secret-" + Guid.NewGuid().ToString("N");

    public HostProcess Host => host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync()
    {
        try
        {
            await LocalStack.RequireAllAsync();
        }
        catch (InvalidOperationException)
        {
            return;
        }

        host = HostProcess.Create(new Dictionary<string, string>
        {
            ["Auth__ApiKeys__0__Name"] = "ops",
            ["Auth__ApiKeys__0__Key"] = AdminKey,
            ["Auth__ApiKeys__0__Role"] = "admin",
            ["Auth__ApiKeys__1__Name"] = "ci",
            ["Auth__ApiKeys__1__KeyHash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(UserKey))),
            ["Auth__ApiKeys__1__Role"] = "user",
            ["Webhooks__AcrSecret"] = WebhookSecret,
            ["Logging__LogLevel__Default"] = "Trace",
        });
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    public async Task<HostProcess> RequireAsync()
    {
        await LocalStack.RequireAllAsync();
        return Host;
    }
}
