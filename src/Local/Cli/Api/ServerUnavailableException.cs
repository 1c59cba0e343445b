namespace ManagedImages.Local.Cli.Api;

/// <summary>Nothing answers at the server URL: the CLI tells how to start one.</summary>
public sealed class ServerUnavailableException(Uri server, Exception inner)
    : Exception($"no server at {server}: start one with `dotnet run --project src/Local -- serve`", inner)
{
    public Uri Server { get; } = server;
}
