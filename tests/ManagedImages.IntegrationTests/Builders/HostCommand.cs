using System.Diagnostics;

namespace ManagedImages.IntegrationTests.Builders;

/// <summary>Runs a host program for a test fixture (debootstrap, tar, dpkg-deb) and fails with its output when it fails.</summary>
public static class HostCommand
{
    public static async Task RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
        {
            var text = (await output) + (await errors);
            throw new InvalidOperationException($"{file} {string.Join(' ', start.ArgumentList)} failed with exit code {process.ExitCode}:\n{text[^Math.Min(text.Length, 4000)..]}");
        }
    }
}
