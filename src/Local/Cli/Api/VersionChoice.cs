namespace ManagedImages.Local.Cli.Api;

/// <summary>What a pin, unpin or rollback answers (the version history), as far as the CLI shows it.</summary>
public sealed record VersionChoice(string Nickname, int? CurrentVersion, int? PinnedVersion);
