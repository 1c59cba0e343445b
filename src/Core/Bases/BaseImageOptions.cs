namespace ManagedImages.Bases;

/// <summary>What "the latest digest of a base tag" means (section "BaseImages").</summary>
public sealed class BaseImageOptions
{
    public const string Section = "BaseImages";

    /// <summary>
    /// How long a tag's digest read from the registry is reused before it is read again. Zero (the default) reads the
    /// registry on every resolution; a verified base push replaces a cached reading at once whatever the duration.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Base tags whose latest digest is set here instead of read from the registry, for deployments that couple the base
    /// to a backend version. A list of objects rather than a map: references contain ':', the configuration key separator.
    /// </summary>
    public IList<BaseImageOverride> Overrides { get; } = [];
}
