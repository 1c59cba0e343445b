using System.Text.Json.Serialization;
using ManagedImages.Storage;

namespace ManagedImages.Api;

/// <summary>
/// A registered image in full: the registration as stored, where it stands and its versions, newest first.
/// <c>registrationRun</c> is there while no version exists yet: the run that builds version 1. <c>building</c> is there
/// while a build is going: its version, base digest, start and the runs waiting for it.
/// </summary>
public sealed record ImageView(
    string Nickname,
    Registrations.Registration Registration,
    long Revision,
    RegistrationState State,
    string? FailureReason,
    int? CurrentVersion,
    string CustomizationHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<VersionView> Versions)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RunLink? RegistrationRun { get; init; }

    /// <summary>The builds of this image going now and who waits for each; absent when none is.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<BuildingView>? Building { get; init; }

    public static ImageView From(StoredRegistration stored, IReadOnlyList<ImageVersion> versions, RunLink? registrationRun)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(versions);
        return new(stored.Nickname, stored.Registration, stored.Revision, stored.State, stored.FailureReason, stored.CurrentVersion,
            stored.CustomizationHash, stored.CreatedAt, stored.UpdatedAt, versions.Select(VersionView.From).ToList())
        {
            RegistrationRun = registrationRun,
        };
    }
}
