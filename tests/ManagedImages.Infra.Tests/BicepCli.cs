using System.Diagnostics;
using System.Reflection;

namespace ManagedImages.Infra.Tests;

/// <summary>
/// The Bicep CLI restored from NuGet (Azure.Bicep.CommandLine.linux-x64), run in a network namespace of its own
/// (<c>unshare --net</c>): whatever it compiles or lints, it did without reaching the network.
/// </summary>
public static class BicepCli
{
    public static string TemplatesDirectory { get; } = Path.GetFullPath(Metadata("TemplatesDirectory"));

    public static string RepositoryRoot { get; } = Path.GetFullPath(Metadata("RepositoryRoot"));

    public static string BicepPath { get; } = Path.GetFullPath(Metadata("BicepPath").Replace('\\', '/'));

    public static string Template(string relativePath) => Path.Combine(TemplatesDirectory, relativePath);

    /// <summary>Runs <c>bicep args</c> with no network; returns the exit code and both outputs.</summary>
    public static async Task<BicepResult> RunAsync(params string[] args)
    {
        if (!File.Exists(BicepPath))
        {
            throw new InvalidOperationException(
                $"The Bicep CLI is not at {BicepPath}: restore tests/ManagedImages.Infra.Tests (it comes from the NuGet package Azure.Bicep.CommandLine.linux-x64)");
        }
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TemplatesDirectory,
        };
        foreach (var arg in new[] { "--net", "--", BicepPath }.Concat(args)) start.ArgumentList.Add(arg);
        // No telemetry or update checks, whatever the machine's defaults.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("unshare (util-linux) did not start; the tests run bicep without network through it");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        var result = new BicepResult(process.ExitCode, await stdout, await stderr);
        if (result.Error.Contains("unshare: ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"unshare --net failed (it needs root or CAP_SYS_ADMIN): {result.Error}");
        }
        return result;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"assembly metadata {key} is missing (set in ManagedImages.Infra.Tests.csproj)");
}
