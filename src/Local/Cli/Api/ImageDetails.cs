namespace ManagedImages.Local.Cli.Api;

/// <summary>GET or PUT /api/images/{nickname}: the image, where it stands, its versions newest first, and the run building version 1.</summary>
public sealed record ImageDetails(
    string Nickname,
    long Revision,
    string State,
    string? FailureReason,
    int? CurrentVersion,
    IReadOnlyList<VersionDetails> Versions,
    RunLink? RegistrationRun);

public sealed record VersionDetails(
    int Number,
    string Image,
    string Digest,
    string BaseReference,
    string BaseDigest,
    long Revision,
    DateTimeOffset CreatedAt);

/// <summary>A started run: its id and status URL.</summary>
public sealed record RunLink(string Id, string StatusUrl);
