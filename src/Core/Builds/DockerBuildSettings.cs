namespace ManagedImages.Builds;

/// <summary>Builds on the Docker engine (section "Builds:Docker"); the engine is the one of section "Docker".</summary>
public sealed class DockerBuildSettings
{
    /// <summary>
    /// The network of the build's RUN steps. "host" by default, so a package source on the host's loopback (a local
    /// mirror or index) is reachable; the engine needs no bridge for it.
    /// </summary>
    public string NetworkMode { get; set; } = "host";

    /// <summary>Remove the engine's copy of a built image once it is pushed (the registry holds it).</summary>
    public bool RemoveAfterPush { get; set; } = true;
}
