namespace ManagedImages.Runs;

/// <summary>
/// The custom status of a run or registration orchestration, so a status page can show the stage:
/// <c>resolving</c>, <c>building</c>, <c>launching</c>, <c>running</c>, <c>done</c> (or <c>failed</c>), with a sentence.
/// </summary>
public sealed record RunProgress(string Stage, string Message);
