using System.Security.Cryptography;
using System.Text;

namespace ManagedImages.Api.Access;

/// <summary>Compares secrets in constant time: both sides are hashed first, so neither content nor length shows in the timing.</summary>
public static class SecretComparison
{
    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string? presented, string expected) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), Hash(expected));

    public static bool Matches(string? presented, byte[] expectedHash) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Hash(presented), expectedHash);
}
