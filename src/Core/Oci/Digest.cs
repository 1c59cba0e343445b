using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace ManagedImages.Oci;

/// <summary>A content digest as the OCI image spec defines it: <c>algorithm:encoded</c>. Only sha256 is produced.</summary>
public readonly partial record struct Digest
{
    public string Algorithm { get; }
    public string Encoded { get; }

    private Digest(string algorithm, string encoded) => (Algorithm, Encoded) = (algorithm, encoded);

    public static Digest Parse(string value) =>
        TryParse(value, out var digest)
            ? digest
            : throw new FormatException($"'{value}' is not a digest; expected sha256:<64 lowercase hex digits>.");

    public static bool TryParse(string? value, out Digest digest)
    {
        digest = default;
        if (value is null) return false;
        var match = Grammar().Match(value);
        if (!match.Success) return false;
        var algorithm = match.Groups["alg"].Value;
        var encoded = match.Groups["enc"].Value;
        if (algorithm == "sha256" && !Sha256Hex().IsMatch(encoded)) return false;
        if (algorithm == "sha512" && !Sha512Hex().IsMatch(encoded)) return false;
        digest = new Digest(algorithm, encoded);
        return true;
    }

    public static Digest Sha256(ReadOnlySpan<byte> content) =>
        new("sha256", Convert.ToHexStringLower(SHA256.HashData(content)));

    public static Digest FromSha256Hash(ReadOnlySpan<byte> hash) =>
        hash.Length == 32 ? new("sha256", Convert.ToHexStringLower(hash)) : throw new ArgumentException("A sha256 hash has 32 bytes.", nameof(hash));

    public static async Task<Digest> Sha256Async(Stream content, CancellationToken cancellationToken = default) =>
        FromSha256Hash(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));

    /// <summary>The hash function this digest was computed with, for checking content as it streams.</summary>
    public IncrementalHash CreateHash() => Algorithm switch
    {
        "sha256" => IncrementalHash.CreateHash(HashAlgorithmName.SHA256),
        "sha512" => IncrementalHash.CreateHash(HashAlgorithmName.SHA512),
        _ => throw new NotSupportedException($"Digest algorithm '{Algorithm}' is not supported; use sha256 or sha512."),
    };

    public bool IsEmpty => Algorithm is null;

    public override string ToString() => IsEmpty ? "" : $"{Algorithm}:{Encoded}";

    [GeneratedRegex(@"^(?<alg>[a-z0-9]+(?:[+._-][a-z0-9]+)*):(?<enc>[a-zA-Z0-9=_-]+)$")]
    private static partial Regex Grammar();

    [GeneratedRegex("^[a-f0-9]{64}$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex("^[a-f0-9]{128}$")]
    private static partial Regex Sha512Hex();
}
