namespace ManagedImages.Local.Cli.Api;

/// <summary>GET /api/images/{nickname}/plan: rebase or build, on which base digest, the generated Dockerfile and why.</summary>
public sealed record BuildPlanDetails(
    string Nickname,
    long Revision,
    string Kind,
    string Base,
    string? BaseDigest,
    string? Dockerfile,
    IReadOnlyList<string> Reasons);
