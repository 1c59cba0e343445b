using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Cli;

/// <summary>Where a command writes (Spectre console for output, a plain writer for errors) and how it reaches the server.</summary>
public sealed class CliContext(IAnsiConsole console, TextWriter error)
{
    public IAnsiConsole Console { get; } = console;

    public TextWriter Error { get; } = error;

    /// <summary>The API key client commands send: <c>--api-key</c>, else <c>MANAGEDIMAGES_API_KEY</c>; none for an open host.</summary>
    public string? ApiKey { get; set; }

    public int Fail(string message)
    {
        Error.WriteLine($"error: {message}");
        return ExitCodes.Failure;
    }

    public int UsageError(string message)
    {
        Error.WriteLine($"error: {message}");
        return ExitCodes.Usage;
    }

    /// <summary>Runs a client command against the server at <paramref name="server"/>, turning the usual failures into messages and exit codes.</summary>
    public async Task<int> CallAsync(Uri server, Func<ApiClient, Task<int>> command)
    {
        using ApiClient client = new(server, ApiKey);
        try
        {
            return await command(client);
        }
        catch (ServerUnavailableException e)
        {
            return Fail(e.Message);
        }
        catch (ApiProblemException e)
        {
            Error.WriteLine($"error: {e.Message}");
            foreach (FieldError field in e.Problem.Errors ?? [])
            {
                Error.WriteLine($"  {field.Field}: {field.Message}");
            }

            return ExitCodes.Failure;
        }
        catch (HttpRequestException e)
        {
            return Fail($"the request to {server} failed: {e.Message}");
        }
    }
}
