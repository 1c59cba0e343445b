using ManagedImages.Storage;

namespace ManagedImages.Api;

/// <summary>A registered image in the list: enough to pick one; GET /api/images/{nickname} has the rest.</summary>
public sealed record ImageSummary(
    string Nickname,
    string Base,
    long Revision,
    RegistrationState State,
    string? FailureReason,
    int? CurrentVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ImageSummary From(StoredRegistration stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new(stored.Nickname, stored.Registration.Base, stored.Revision, stored.State, stored.FailureReason,
            stored.CurrentVersion, stored.CreatedAt, stored.UpdatedAt);
    }
}
