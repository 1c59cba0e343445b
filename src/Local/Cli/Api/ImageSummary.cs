namespace ManagedImages.Local.Cli.Api;

/// <summary>A line of GET /api/images.</summary>
public sealed record ImageSummary(
    string Nickname,
    string Base,
    long Revision,
    string State,
    string? FailureReason,
    int? CurrentVersion,
    DateTimeOffset UpdatedAt);

/// <summary>The answer of GET /api/images.</summary>
public sealed record ImageList(IReadOnlyList<ImageSummary> Images);
