namespace ManagedImages.Functions.Access;

/// <summary>
/// Which Entra ID app roles (of the app registration App Service authentication signs callers in to) mean admin and
/// user (section <c>Auth</c>).
/// </summary>
public sealed class AppRoleOptions
{
    public const string Section = "Auth";

    public string AdminRole { get; set; } = "ManagedImages.Admin";

    public string UserRole { get; set; } = "ManagedImages.User";
}
