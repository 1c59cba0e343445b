using ManagedImages.Jobs;

namespace ManagedImages.Api;

/// <summary>
/// The optional body of POST /api/images/{nickname}/runs: arguments and environment for the job, and how fresh its
/// image must be: <c>freshness</c> "strict" (default), "allowStale" or "maxAge" with <c>maxAge</c> an ISO 8601
/// duration like "PT1H" (<c>maxAge</c> alone implies "maxAge"); and <c>resources</c>, the job's CPU and memory
/// requests and limits over the launcher's configured ones.
/// </summary>
public sealed record RunRequest
{
    public IReadOnlyList<string> Args { get; init; } = [];

    public IReadOnlyDictionary<string, string> Env { get; init; } = new Dictionary<string, string>();

    public string? Freshness { get; init; }

    public string? MaxAge { get; init; }

    public JobResources? Resources { get; init; }
}
