namespace ManagedImages.Api;

/// <summary>The optional body of POST /api/images/{nickname}/runs: arguments and environment for the job.</summary>
public sealed record RunRequest
{
    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();
}
