namespace ManagedImages.Oci;

/// <summary>Annotations every custom image version carries, so any tool can tell what it was built on and from.</summary>
public static class AnnotationKeys
{
    public const string BaseName = "org.opencontainers.image.base.name";
    public const string BaseDigest = "org.opencontainers.image.base.digest";
    public const string Created = "org.opencontainers.image.created";
    public const string Nickname = "io.managedimages.nickname";
    public const string Version = "io.managedimages.version";
    public const string Revision = "io.managedimages.revision";
}
