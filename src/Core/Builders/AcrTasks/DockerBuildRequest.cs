namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// The body of <c>scheduleRun</c> for a quick Docker build (<c>type: DockerBuildRequest</c>): build
/// <see cref="DockerFilePath"/> from the uploaded context at <see cref="SourceLocation"/> and push
/// <see cref="ImageNames"/> (repository:tag, in the run's own registry).
/// </summary>
public sealed record DockerBuildRequest(
    IReadOnlyList<string> ImageNames,
    string SourceLocation,
    RunPlatform Platform,
    int Timeout)
{
    public string Type { get; init; } = "DockerBuildRequest";

    public bool IsPushEnabled { get; init; } = true;

    public bool NoCache { get; init; }

    public string DockerFilePath { get; init; } = "Dockerfile";

    public IReadOnlyList<RunArgument>? Arguments { get; init; }

    public AgentProperties? AgentConfiguration { get; init; }

    public bool IsArchiveEnabled { get; init; }
}
