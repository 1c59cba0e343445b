namespace ManagedImages.Bases;

/// <summary>One entry of <see cref="BaseImageOptions.Overrides"/>: runs on base tag <see cref="Reference"/> build on <see cref="Digest"/>.</summary>
public sealed class BaseImageOverride
{
    /// <summary>The base tag as registrations name it, like <c>127.0.0.1:5000/team/base:1</c>.</summary>
    public string? Reference { get; set; }

    /// <summary>The digest that counts as that tag's latest, whatever the tag points to, like <c>sha256:…</c>.</summary>
    public string? Digest { get; set; }
}
