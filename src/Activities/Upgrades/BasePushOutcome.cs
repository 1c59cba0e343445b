namespace ManagedImages.Upgrades;

/// <summary>What a base-push event did.</summary>
public enum BasePushOutcome
{
    /// <summary>The pushed digest is the tag's current one: the images run recently on that tag were looked at.</summary>
    Handled,

    /// <summary>Nothing to do: not a tag push, or the tag has moved on since (an event delivered late or out of order).</summary>
    Ignored,
}
