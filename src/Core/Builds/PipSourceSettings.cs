namespace ManagedImages.Builds;

/// <summary>The pip index for package builds (section "Builds:Pip"), for offline or private indexes.</summary>
public sealed class PipSourceSettings
{
    /// <summary>Used as PIP_INDEX_URL during the install step only; empty keeps pip's default.</summary>
    public string? IndexUrl { get; set; }
}
