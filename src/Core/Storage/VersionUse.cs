namespace ManagedImages.Storage;

/// <summary>Whether a run may launch a version.</summary>
public enum VersionUse
{
    /// <summary>The version exists and no garbage collection is deleting it.</summary>
    Usable,

    /// <summary>A garbage collection has marked it; it keeps the version once it sees the run's lease.</summary>
    Collecting,

    /// <summary>Collected (or never recorded).</summary>
    Gone,
}
