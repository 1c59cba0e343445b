using ManagedImages.Oci;

namespace ManagedImages.Layers;

/// <summary>
/// A version tag already points to another image. Version tags are immutable: a version once published is never
/// replaced, so the build stops rather than move the tag.
/// </summary>
public sealed class ImageTagConflictException : Exception
{
    public ImageTagConflictException() { }

    public ImageTagConflictException(string message) : base(message) { }

    public ImageTagConflictException(string message, Exception innerException) : base(message, innerException) { }

    public ImageTagConflictException(ImageReference tag, Digest existing, Digest built)
        : base($"The tag {tag} already points to {existing}, not to the image just built ({built}). Version tags are " +
               "immutable: another build already published this version from other inputs. Build the next version " +
               "number instead, or delete the tag by hand if it was published by mistake.")
    {
        ArgumentNullException.ThrowIfNull(tag);
        Tag = tag.ToString();
        Existing = existing.ToString();
        Built = built.ToString();
    }

    public string? Tag { get; }

    public string? Existing { get; }

    public string? Built { get; }
}
