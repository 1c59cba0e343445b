namespace ManagedImages.Runs;

/// <summary>How fresh the version a run launches must be.</summary>
public enum FreshnessMode
{
    /// <summary>Always the most recent base and registration: a stale version is rebuilt first and the run waits.</summary>
    Strict,

    /// <summary>Launch on the current version at once and start the upgrade in the background for the next run.</summary>
    AllowStale,

    /// <summary>Accept the current version if it was built within <see cref="RunFreshness.MaxAge"/>, even if the base moved.</summary>
    MaxAge,
}
