namespace ManagedImages.Builds;

/// <summary>
/// Ask for version-to-be of <paramref name="Nickname"/> at <paramref name="Revision"/> on <paramref name="BaseDigest"/>,
/// and have orchestration <paramref name="WaiterInstanceId"/> told when it is done.
/// </summary>
public sealed record RequestBuildInput(string Nickname, long Revision, string BaseDigest, string WaiterInstanceId);
