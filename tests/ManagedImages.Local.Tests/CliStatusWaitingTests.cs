using System.Text.Json;
using ManagedImages.Local.Cli;
using ManagedImages.Local.Cli.Api;
using Spectre.Console;

namespace ManagedImages.Local.Tests;

/// <summary>What <c>status</c> prints for a run that waits for a build, from the JSON GET /api/runs/{id} answers.</summary>
public sealed class CliStatusWaitingTests
{
    private const string BaseDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void A_run_waiting_for_a_build_shows_the_version_its_base_and_how_many_other_runs_wait()
    {
        var json = $$$"""
            {"id":"run-app-1","name":"RunImageOrchestrator","runtimeStatus":"Running",
             "customStatus":{"stage":"building","message":"building v2 of 'app'"},
             "createdAt":"2026-01-01T00:00:00+00:00","lastUpdatedAt":"2026-01-01T00:00:01+00:00",
             "waitingFor":{"nickname":"app","version":2,"revision":1,"baseDigest":"{{{BaseDigest}}}",
                           "startedAt":"2026-01-01T00:00:00+00:00","otherWaitingRuns":["run-app-2","register-app-r1-1"]}}
            """;
        var status = JsonSerializer.Deserialize<RunStatus>(json, ApiClient.Json)!;
        using var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 240;

        RunReport.Outcome(console, TextWriter.Null, status);

        Assert.Contains($"the build of v2 on {BaseDigest}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("with 2 other run(s)", output.ToString(), StringComparison.Ordinal);
    }
}
