using System.Text.RegularExpressions;

namespace ManagedImages.Oci;

/// <summary>
/// An image reference in the distribution grammar: <c>[registry/]repository[:tag][@digest]</c>.
/// Docker Hub names are normalised (<c>busybox</c> is <c>docker.io/library/busybox</c>).
/// </summary>
public sealed partial record ImageReference(string Registry, string Repository, string? Tag, Digest? Digest)
{
    public const string DockerHub = "docker.io";
    public const int MaxNameLength = 255;

    public static ImageReference Parse(string value) =>
        TryParse(value, out var reference, out var error) ? reference : throw new FormatException(error);

    public static bool TryParse(string? value, out ImageReference reference, out string error)
    {
        reference = null!;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "an image reference is required, like registry.example.com/team/base:1.0";
            return false;
        }

        var match = Grammar().Match(value);
        if (!match.Success)
        {
            error = $"'{value}' is not an image reference; expected [registry[:port]/]repository[:tag][@sha256:<hex>] " +
                    "with a lowercase repository (letters, digits, '.', '_', '-', '/')";
            return false;
        }

        var name = match.Groups["name"].Value;
        if (name.Length > MaxNameLength)
        {
            error = $"the repository name of '{value}' has {name.Length} characters; at most {MaxNameLength} are allowed";
            return false;
        }

        string registry, repository;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? name : name[..slash];
        // The first component names a registry only if it looks like a host: a dot, a port, or localhost.
        if (slash > 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            registry = first;
            repository = name[(slash + 1)..];
        }
        else
        {
            registry = DockerHub;
            repository = name;
        }

        if (registry is DockerHub or "index.docker.io" or "registry-1.docker.io")
        {
            registry = DockerHub;
            if (!repository.Contains('/', StringComparison.Ordinal)) repository = "library/" + repository;
        }

        if (!RepositoryPath().IsMatch(repository))
        {
            error = $"'{repository}' in '{value}' is not a repository name; use lowercase letters, digits and '.', '_', '-' separators, with '/' between components";
            return false;
        }

        Digest? digest = null;
        if (match.Groups["digest"].Success)
        {
            if (!Oci.Digest.TryParse(match.Groups["digest"].Value, out var parsed))
            {
                error = $"'{match.Groups["digest"].Value}' in '{value}' is not a digest; expected sha256:<64 lowercase hex digits>";
                return false;
            }
            digest = parsed;
        }

        var tag = match.Groups["tag"].Success ? match.Groups["tag"].Value : null;
        reference = new ImageReference(registry, repository, tag, digest);
        error = "";
        return true;
    }

    /// <summary>The tag, or <c>latest</c> when neither tag nor digest is given (as Docker does).</summary>
    public string TagOrDefault => Tag ?? "latest";

    /// <summary>What to put in a manifest URL: the digest when pinned, else the tag.</summary>
    public string ManifestReference => Digest?.ToString() ?? TagOrDefault;

    /// <summary>The same repository pinned to a digest (the tag is dropped: a digest says everything).</summary>
    public ImageReference WithDigest(Digest digest) => this with { Tag = null, Digest = digest };

    public ImageReference WithTag(string tag) => this with { Tag = tag, Digest = null };

    /// <summary>The repository with its registry, without tag or digest.</summary>
    public string Name => $"{Registry}/{Repository}";

    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is { } d ? "@" + d : "");

    // The reference grammar of distribution/reference: name, then an optional tag, then an optional digest.
    [GeneratedRegex(@"^(?<name>(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}))?$")]
    private static partial Regex Grammar();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPath();
}
