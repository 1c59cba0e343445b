using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ManagedImages.Layers;
using ManagedImages.Local.Cli;
using ManagedImages.Local.Cli.Api;
using ManagedImages.Oci;
using ManagedImages.Registry;
using Spectre.Console;

namespace ManagedImages.Local.Demo;

/// <summary>
/// The product in one story: publish a base, register a custom image on it, run it, publish a new base under the same
/// tag, run again, and show that the second run built a new version on the new base digest and the job saw the new base.
/// Safe to repeat on the same stack: re-registering the same document changes nothing, and each play's bases are new.
/// </summary>
internal sealed class DemoScenario(CliContext cli, ApiClient api, RegistryClient registry, ImageReference baseImage)
{
    public const string Nickname = "demo-hello";

    private static readonly string[] Entrypoint = ["/bin/sh", "/app/hello.sh"];

    private readonly List<DemoStep> steps = [];

    // Makes this play's bases new to the stack, so a repeated demo shows a rebuild too.
    private readonly string stamp = Guid.NewGuid().ToString("N");

    public IReadOnlyList<DemoStep> Steps => steps;

    public static string RegistrationDocument(ImageReference baseImage) => JsonSerializer.Serialize(new
    {
        @base = baseImage.ToString(),
        files = new[]
        {
            new
            {
                path = "/app/hello.sh",
                mode = "0755",
                content = "#!/bin/sh\necho \"hello from demo-hello, asked by ${ASKED_BY:-nobody}\"\necho \"base version: $(cat /etc/base-version)\"\n",
            },
        },
        env = new Dictionary<string, string> { ["GREETING"] = "hello" },
        entrypoint = Entrypoint,
    });

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ScratchImage scratch = new(registry);
        Digest base1 = await StepAsync("publish base v1", async () =>
        {
            Digest digest = await DemoBaseImage.PublishAsync(scratch, baseImage, 1, cancellationToken, stamp);
            return (digest, $"{baseImage} = {ConsoleText.Short(digest.ToString())}");
        });

        ImageDetails registered = await StepAsync($"register {Nickname}", async () =>
        {
            ImageDetails image = await api.RegisterAsync(Nickname, RegistrationDocument(baseImage), cancellationToken);
            return (image, $"revision {image.Revision}, {image.State}");
        });

        await StepAsync("build v1", async () =>
        {
            if (registered.RegistrationRun is not { } run)
            {
                return (0, registered.CurrentVersion is { } current
                    ? $"already registered: v{current} is current (the next run checks its base)"
                    : $"no build started ({registered.State}{(registered.FailureReason is { } r ? ": " + r : "")})");
            }

            RunStatus done = await api.WaitForRunAsync(run.Id, Progress, cancellationToken);
            RegistrationResult built = done.RegistrationOutput
                ?? throw new DemoFailedException($"the first build ended {done.RuntimeStatus}: {done.Failure?.Message ?? "no output"}");
            return (0, $"v{built.Version} on base {ConsoleText.Short(built.BaseDigest)}");
        });

        RunResult first = await StepAsync("run on base v1", async () =>
        {
            RunResult result = await RunJobAsync("first-run", cancellationToken);
            ExpectJob(result, base1, expectedBaseVersion: 1);
            return (result, $"v{result.Version} {(result.Upgraded ? "built now on this base" : "was current")}, job printed base version 1");
        });

        Digest base2 = await StepAsync("publish base v2 (same tag)", async () =>
        {
            Digest digest = await DemoBaseImage.PublishAsync(scratch, baseImage, 2, cancellationToken, stamp);
            if (digest == base1)
            {
                throw new DemoFailedException("base v2 has the same digest as v1");
            }

            return (digest, $"{baseImage} = {ConsoleText.Short(digest.ToString())}");
        });

        RunResult second = await StepAsync("run after the base update", async () =>
        {
            RunResult result = await RunJobAsync("second-run", cancellationToken);
            ExpectJob(result, base2, expectedBaseVersion: 2);
            if (!result.Upgraded || result.Version <= first.Version)
            {
                throw new DemoFailedException(
                    $"expected a new version built on the new base, got v{result.Version} (upgraded: {result.Upgraded}) after v{first.Version}");
            }

            return (result, $"built v{result.Version} on base {ConsoleText.Short(result.BaseDigest)}, job printed base version 2");
        });

        await StepAsync("registry annotation", async () =>
        {
            ManifestContent manifest = await registry.GetManifestAsync(ImageReference.Parse(second.Image), cancellationToken)
                ?? throw new DemoFailedException($"{second.Image} is not in the registry");
            ImageManifest parsed = JsonSerializer.Deserialize<ImageManifest>(manifest.Bytes)
                ?? throw new DemoFailedException($"{second.Image} has no manifest body");
            string? annotated = parsed.Annotations?.GetValueOrDefault(AnnotationKeys.BaseDigest);
            if (annotated != base2.ToString())
            {
                throw new DemoFailedException($"v{second.Version}'s manifest names base {annotated ?? "(none)"}, not {base2}");
            }

            return (0, $"v{second.Version}: {AnnotationKeys.BaseDigest} = {ConsoleText.Short(annotated)}");
        });
    }

    /// <summary>Adds a step that ran before the scenario (starting the stack) to the closing table.</summary>
    public void Record(DemoStep step) => steps.Add(step);

    /// <summary>Prints the closing table: each step, what it showed and how long it took.</summary>
    public void WriteSummary()
    {
        Table table = new Table().AddColumns("step", "result", "seconds");
        foreach (DemoStep step in steps)
        {
            table.AddTextRow(step.Name, step.Succeeded ? step.Result : $"FAILED: {step.Result}", step.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
        }

        cli.Console.Write(table);
    }

    private async Task<RunResult> RunJobAsync(string askedBy, CancellationToken cancellationToken)
    {
        RunLink run = await api.StartRunAsync(Nickname, [], new Dictionary<string, string> { ["ASKED_BY"] = askedBy }, cancellationToken);
        RunStatus done = await api.WaitForRunAsync(run.Id, Progress, cancellationToken);
        RunResult result = done.RunOutput
            ?? throw new DemoFailedException($"run {run.Id} ended {done.RuntimeStatus}: {done.Failure?.Message ?? "no output"}");
        foreach (string line in result.LogTail ?? [])
        {
            cli.Console.WriteLine($"    | {line}");
        }

        return result;
    }

    private static void ExpectJob(RunResult result, Digest baseDigest, int expectedBaseVersion)
    {
        if (result.ExitCode != 0)
        {
            throw new DemoFailedException($"the job exited with {result.ExitCode}");
        }

        if (result.BaseDigest != baseDigest.ToString())
        {
            throw new DemoFailedException($"v{result.Version} is built on {result.BaseDigest}, not the current base {baseDigest}");
        }

        string expected = $"base version: {expectedBaseVersion}";
        if (!(result.LogTail ?? []).Any(line => line.Contains(expected, StringComparison.Ordinal)))
        {
            throw new DemoFailedException($"the job did not print '{expected}'");
        }
    }

    private void Progress(RunStatus status) => RunReport.Progress(cli.Console, status);

    public async Task<T> StepAsync<T>(string name, Func<Task<(T Value, string Result)>> action)
    {
        cli.Console.WriteLine($"> {name}");
        Stopwatch clock = Stopwatch.StartNew();
        try
        {
            (T value, string result) = await action();
            steps.Add(new DemoStep(name, true, result, clock.Elapsed.TotalSeconds));
            return value;
        }
        catch (Exception e) when (e is DemoFailedException or ApiProblemException or RegistryException or IOException or HttpRequestException)
        {
            steps.Add(new DemoStep(name, false, e.Message, clock.Elapsed.TotalSeconds));
            throw new DemoFailedException($"{name}: {e.Message}");
        }
    }
}
