namespace ManagedImages.Api.Access;

/// <summary>What a caller may do. Ordered: a role allows everything the roles below it allow (admin implies user).</summary>
public enum ApiRole
{
    /// <summary>List, read, run, see a run's status, plans, build logs and versions.</summary>
    User = 1,

    /// <summary>Everything a user may, plus register, update, delete, pin, unpin, roll back and collect garbage.</summary>
    Admin = 2,
}
