namespace ManagedImages.Local.Cli.Api;

/// <summary>GET /api/images/{nickname}/versions/{version}/log: the lines a build logged, and whether it succeeded.</summary>
public sealed record BuildLog(string Nickname, int Version, bool Succeeded, IReadOnlyList<string> Lines);
