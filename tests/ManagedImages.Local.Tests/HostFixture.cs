namespace ManagedImages.Local.Tests;

/// <summary>One host process per test class, on its own task hub, tables and ports.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    private HostProcess? host;

    public HostProcess Host => host ?? throw new InvalidOperationException("the host did not start");

    public StackSettings Stack { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // A missing stack fails each test with the hint, not the fixture with an obscure error.
        if (StackSettings.TryRequire(out StackSettings? stack))
        {
            Stack = stack;
            host = HostProcess.Create(stack);
            await host.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>The running host; fails with the stack hint when the stack was missing.</summary>
    public HostProcess Require()
    {
        StackSettings.Require();
        return Host;
    }
}
