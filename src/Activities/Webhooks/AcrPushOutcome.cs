namespace ManagedImages.Webhooks;

/// <summary>What a push event did.</summary>
public enum AcrPushOutcome
{
    /// <summary>The push finished a build: its version is recorded and its waiters were told.</summary>
    Completed,

    /// <summary>The build was finished already (polling or an earlier delivery of the same event got there first).</summary>
    AlreadyFinished,

    /// <summary>No build is waiting for this push (none recorded for that version, or its registration changed since).</summary>
    NoBuild,

    /// <summary>Not a push of a working tag of a custom image in this service's registry.</summary>
    Ignored,
}
