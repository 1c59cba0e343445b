using ManagedImages.Builds;

namespace ManagedImages.Api;

/// <summary>
/// A build of an image that is going now: the version it makes, on which registration revision and base digest, since
/// when, and the runs (and registration runs) waiting for it to launch.
/// </summary>
public sealed record BuildingView(int Version, long Revision, string BaseDigest, DateTimeOffset StartedAt, IReadOnlyList<string> WaitingRuns)
{
    public static BuildingView From(BuildRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.Version, record.Key.Revision, record.Key.BaseDigest, record.StartedAt, record.Waiters);
    }
}
