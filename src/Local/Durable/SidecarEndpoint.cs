using System.Net;
using System.Net.Sockets;

namespace ManagedImages.Local.Durable;

/// <summary>Where the in-process sidecar listens: a loopback port the worker and client reach over h2c.</summary>
public sealed record SidecarEndpoint(int Port)
{
    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>The configured port, or a free one when it is 0.</summary>
    public static SidecarEndpoint For(DurableOptions options) => new(options.SidecarPort == 0 ? FreePort() : options.SidecarPort);

    public static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
