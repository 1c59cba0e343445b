using System.Net.Sockets;

namespace ManagedImages.IntegrationTests.Infrastructure;

/// <summary>The shared Azurite of the local stack, read from MANAGEDIMAGES_STORAGE; fails clearly when it is not there.</summary>
internal static class AzuriteSettings
{
    public const string Variable = "MANAGEDIMAGES_STORAGE";

    /// <summary>The connection string, after checking that the Table endpoint answers.</summary>
    public static async Task<string> RequireConnectionStringAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set: start it with scripts/stack up, then eval \"$(scripts/stack env)\" before running the tests.");
        }

        var endpoint = TableEndpoint(connectionString);
        using var client = new TcpClient();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            throw new InvalidOperationException(
                $"Azurite does not answer at {endpoint.Host}:{endpoint.Port} ({Variable}): start it with scripts/stack up.", e);
        }
        return connectionString;
    }

    private static Uri TableEndpoint(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2);
            if (pair.Length == 2 && pair[0].Trim().Equals("TableEndpoint", StringComparison.OrdinalIgnoreCase))
                return new Uri(pair[1].Trim());
        }
        // UseDevelopmentStorage=true and friends: Azurite's default Table port.
        return new Uri("http://127.0.0.1:10002");
    }
}
