namespace ManagedImages.Api.Access;

/// <summary>Who sent a request: a name for messages and logs (never a credential) and the role the credentials carry, if any.</summary>
public sealed record Caller(string Name, ApiRole? Role)
{
    public bool Has(ApiRole needed) => Role is { } role && role >= needed;
}
