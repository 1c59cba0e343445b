namespace ManagedImages.Builders.AcrTasks;

/// <summary>The answer of <c>runs/{runId}/listLogSasUrl</c>: a SAS URL of the run's log blob.</summary>
public sealed record RunLogLinks(string? LogLink, string? LogArtifactLink);
