using ManagedImages.TestSupport;

namespace ManagedImages.Local.Tests;

/// <summary>One host process per test class, on its own task hub, tables and ports.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    private HostProcess? host;

    public HostProcess Host => host ?? throw new InvalidOperationException("the host did not start");

    public async Task InitializeAsync()
    {
        // A missing stack fails each test with the hint (RequireAsync), not the fixture with an obscure error.
        try
        {
            await LocalStack.RequireAllAsync();
        }
        catch (InvalidOperationException)
        {
            return;
        }

        host = HostProcess.Create();
        await host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>The running host; fails with the stack hint when the stack was missing.</summary>
    public async Task<HostProcess> RequireAsync()
    {
        await LocalStack.RequireAllAsync();
        return Host;
    }
}
