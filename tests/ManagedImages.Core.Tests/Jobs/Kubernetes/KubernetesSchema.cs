using System.Diagnostics;

namespace ManagedImages.Core.Tests.Jobs.Kubernetes;

/// <summary>
/// Checks a Job's JSON against the Kubernetes OpenAPI schema for <c>batch/v1</c> Job with the npm package
/// kubernetes-models (scripts/kubernetes-models, installed by scripts/test with npm ci).
/// </summary>
internal static class KubernetesSchema
{
    public const string InstallCommand = "cd scripts/kubernetes-models && npm ci";

    public sealed record Verdict(bool Valid, string Output);

    public static async Task<Verdict> ValidateJobAsync(string json)
    {
        var folder = Path.Combine(RepositoryRoot(), "scripts", "kubernetes-models");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "kubernetes-models")))
        {
            Assert.Fail($"The Kubernetes schema validator is not installed in {folder}: run `{InstallCommand}` " +
                        "(scripts/test does it), with Node.js 20+ and npm.");
        }

        var start = new ProcessStartInfo("node", "validate-job.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"node could not be started ({e.Message}): install Node.js 20+ to validate Kubernetes Jobs.");
            throw;
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.StandardInput.WriteAsync(json);
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var text = (await output + await errors).Trim();
            return process.ExitCode switch
            {
                0 => new Verdict(true, text),
                1 => new Verdict(false, text),
                _ => throw new InvalidOperationException($"validate-job.mjs failed with exit code {process.ExitCode}: {text}"),
            };
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ManagedImages.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"No ManagedImages.sln above {AppContext.BaseDirectory}: run the tests from the checkout.");
    }
}
