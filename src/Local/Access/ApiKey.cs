namespace ManagedImages.Local.Access;

/// <summary>
/// One entry of <c>Auth:ApiKeys</c>: who holds the key (a name for messages and logs), the key itself or its SHA-256
/// (<c>sha256:&lt;64 hex digits&gt;</c>, so the configuration need not hold the key), and its role (<c>admin</c> or <c>user</c>).
/// </summary>
public sealed class ApiKey
{
    public string? Name { get; set; }

    public string? Key { get; set; }

    public string? KeyHash { get; set; }

    public string? Role { get; set; }
}
