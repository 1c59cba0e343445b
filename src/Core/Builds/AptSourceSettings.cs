namespace ManagedImages.Builds;

/// <summary>Extra apt sources for package builds (section "Builds:Apt"), for offline or private mirrors.</summary>
public sealed class AptSourceSettings
{
    /// <summary>
    /// One-line-style sources ("deb [trusted=yes] http://127.0.0.1:8080/ ./"), written to
    /// /etc/apt/sources.list.d/managed-images.list for the install step only (the image does not keep them).
    /// </summary>
    public IList<string> Sources { get; } = [];
}
