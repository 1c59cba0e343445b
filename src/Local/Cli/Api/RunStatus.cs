using System.Text.Json;

namespace ManagedImages.Local.Cli.Api;

/// <summary>GET /api/runs/{id}: the durable runtime status, the stage the run reports, and its output or failure.</summary>
public sealed record RunStatus(
    string Id,
    string Name,
    string RuntimeStatus,
    JsonElement? CustomStatus,
    JsonElement? Output,
    RunFailure? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt)
{
    /// <summary>The build the run waits for, while it does.</summary>
    public RunWaitingFor? WaitingFor { get; init; }

    public bool IsFinished => RuntimeStatus is "Completed" or "Failed" or "Terminated";

    /// <summary>"stage: message" from the custom status, or the runtime status when the run reports none yet.</summary>
    public string Progress =>
        CustomStatus is { ValueKind: JsonValueKind.Object } status
            ? $"{Text(status, "stage") ?? RuntimeStatus}: {Text(status, "message")}".TrimEnd(' ', ':')
            : RuntimeStatus;

    public RunResult? RunOutput => Read<RunResult>();

    public RegistrationResult? RegistrationOutput => Read<RegistrationResult>();

    private T? Read<T>() where T : class =>
        Output is { ValueKind: JsonValueKind.Object } output ? output.Deserialize<T>(ApiClient.Json) : null;

    // The API writes camelCase; a status it could not read as RunProgress comes as the orchestration wrote it.
    private static string? Text(JsonElement element, string name) =>
        element.EnumerateObject()
            .Where(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
            .Select(p => p.Value.GetString())
            .FirstOrDefault();
}

public sealed record RunFailure(string Message, string? Type);

/// <summary>The build a run waits for, and the other runs waiting for it.</summary>
public sealed record RunWaitingFor(int Version, string BaseDigest, DateTimeOffset StartedAt, IReadOnlyList<string> OtherWaitingRuns);

/// <summary>The output of a finished run (RunImageOrchestrator).</summary>
public sealed record RunResult(
    string Nickname,
    int Version,
    string Image,
    string ImageDigest,
    string BaseDigest,
    bool Upgraded,
    string JobName,
    int ExitCode,
    IReadOnlyList<string>? LogTail);

/// <summary>The output of a finished registration (RegisterImageOrchestrator).</summary>
public sealed record RegistrationResult(string Nickname, int Version, string Image, string Digest, string BaseDigest);
