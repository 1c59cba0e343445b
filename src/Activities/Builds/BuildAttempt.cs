namespace ManagedImages.Builds;

/// <summary>One attempt at a build: its key and the version number it was given.</summary>
public sealed record BuildAttempt(string Nickname, long Revision, string BaseDigest, int Version)
{
    public BuildKey Key => new(Nickname, Revision, BaseDigest);

    public static BuildAttempt Of(BuildState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new(state.Nickname, state.Revision, state.BaseDigest, state.Version);
    }
}
