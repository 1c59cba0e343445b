using ManagedImages.Registrations;

namespace ManagedImages.Storage;

/// <summary>A registration as stored: the user's document plus what the service tracks about it.</summary>
public sealed record StoredRegistration(
    string Nickname,
    Registration Registration,
    long Revision,
    string CustomizationHash,
    RegistrationState State,
    string? FailureReason,
    int? CurrentVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The table entity's ETag: pass it back to update only what was read.</summary>
    public string ETag { get; init; } = "";

    /// <summary>The version runs use while set (a pin or a rollback); runs do not upgrade until it is cleared.</summary>
    public int? PinnedVersion { get; init; }

    /// <summary>How many pin, unpin and rollback actions were recorded; numbers the history rows.</summary>
    public int VersionActions { get; init; }
}
