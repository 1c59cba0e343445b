namespace ManagedImages.Storage;

/// <summary>What someone did to which version a nickname runs.</summary>
public enum VersionActionKind
{
    /// <summary>Runs use the given version and do not upgrade.</summary>
    Pin,

    /// <summary>The pin is gone; the newest version is current again and runs upgrade as usual.</summary>
    Unpin,

    /// <summary>An earlier version is made current and pinned.</summary>
    Rollback,

    /// <summary>Garbage collection deleted the version's manifest and records.</summary>
    Collect,
}
