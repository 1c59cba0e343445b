using ManagedImages.Storage;

namespace ManagedImages.Api;

/// <summary>A recorded pin, unpin or rollback: what was done, to which version, what stood before, and when.</summary>
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
            _ => "rollback",
        };
        return new(name, action.Version, action.PreviousCurrent, action.PreviousPinned, action.At);
    }
}
