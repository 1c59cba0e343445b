using System.Text;
using System.Text.Json;

namespace ManagedImages.Functions.Tests.Support;

/// <summary>
/// <c>X-MS-CLIENT-PRINCIPAL</c> values as App Service authentication writes them: base64 of
/// {auth_typ, claims: [{typ, val}], name_typ, role_typ}, app roles as claims of type role_typ.
/// </summary>
internal static class Principals
{
    public const string AdminRole = "ManagedImages.Admin";
    public const string UserRole = "ManagedImages.User";

    public static string Admin { get; } = Encode("admin@example.test", AdminRole);

    public static string User { get; } = Encode("user@example.test", UserRole);

    public static string Encode(string name, params string[] roles) => WithRoleType(name, "roles", roles);

    public static string WithRoleType(string name, string roleType, params string[] roles)
    {
        var claims = new List<object>
        {
            new { typ = "name", val = name },
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = "00000000-0000-0000-0000-000000000001" },
            new { typ = "aud", val = "api://managed-images" },
        };
        claims.AddRange(roles.Select(r => new { typ = roleType, val = r }));
        var principal = new { auth_typ = "aad", claims, name_typ = "name", role_typ = roleType };
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(principal)));
    }
}
