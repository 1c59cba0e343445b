using ManagedImages.Oci;

namespace ManagedImages.Storage;

/// <summary>
/// The normalized <c>registry/repository:tag</c> a base reference follows, which is what a base-push event names: the
/// same tag written two ways ("busybox", "docker.io/library/busybox:latest") gives one name.
/// </summary>
public static class BaseTagName
{
    /// <summary>The tag <paramref name="baseReference"/> follows, or null when it is pinned by digest (no push moves it) or unreadable.</summary>
    public static string? Of(string? baseReference)
    {
        if (!ImageReference.TryParse(baseReference, out var reference, out _) || reference.Digest is not null) return null;
        return Of(reference.Registry, reference.Repository, reference.TagOrDefault);
    }

    public static string Of(string registry, string repository, string tag)
    {
        ArgumentException.ThrowIfNullOrEmpty(registry);
        ArgumentException.ThrowIfNullOrEmpty(repository);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        // Host names are case-insensitive; repositories and tags are not.
        return $"{registry.ToLowerInvariant()}/{repository}:{tag}";
    }
}
