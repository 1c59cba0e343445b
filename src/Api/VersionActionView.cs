using ManagedImages.Storage;

namespace ManagedImages.Api;

/// <summary>A recorded pin, unpin, rollback or garbage collection ("collect"): what was done, to which version, what stood before, and when.</summary>
public sealed record VersionActionView(
    string Action,
    int? Version,
    int? PreviousCurrent,
    int? PreviousPinned,
    DateTimeOffset At)
{
    public static VersionActionView From(VersionAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var name = action.Kind switch
        {
            VersionActionKind.Pin => "pin",
            VersionActionKind.Unpin => "unpin",
            VersionActionKind.Rollback => "rollback",
            _ => "collect",
        };
        return new(name, action.Version, action.PreviousCurrent, action.PreviousPinned, action.At);
    }
}
