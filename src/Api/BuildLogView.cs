namespace ManagedImages.Api;

/// <summary>
/// The log of the build of one version, line by line (a huge log keeps its head and tail with a line saying how many
/// were left out). <c>succeeded</c> is false for a build that failed: its version was never made current.
/// </summary>
public sealed record BuildLogView(string Nickname, int Version, bool Succeeded, IReadOnlyList<string> Lines);
