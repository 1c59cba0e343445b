namespace ManagedImages.Builders.AcrTasks;

/// <summary>A run resource (<c>.../registries/{name}/runs/{runId}</c>) as ARM returns it.</summary>
public sealed record AcrRun(string? Id, string? Name, AcrRunProperties? Properties)
{
    public string? RunId => Properties?.RunId ?? Name;

    public string? Status => Properties?.Status;
}
