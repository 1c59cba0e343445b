namespace ManagedImages.Api;

/// <summary>The body of PUT /api/images/{nickname}/pin and POST /api/images/{nickname}/rollback: {"version": N}.</summary>
public sealed record VersionChoice
{
    public int? Version { get; init; }
}
