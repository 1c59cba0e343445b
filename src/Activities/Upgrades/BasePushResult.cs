namespace ManagedImages.Upgrades;

/// <summary>
/// What a base push did: the base tag, how many images were run on it within the window, and the nicknames whose
/// upgrade it started (the others were up to date already or had that upgrade started by an earlier delivery).
/// </summary>
public sealed record BasePushResult(
    BasePushOutcome Outcome,
    string? BaseTag,
    string? Digest,
    int RecentlyRun,
    IReadOnlyList<string> UpgradesStarted,
    string Detail);
