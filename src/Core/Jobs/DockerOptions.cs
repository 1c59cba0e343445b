namespace ManagedImages.Jobs;

/// <summary>How jobs run on a Docker engine (section <c>Docker</c>).</summary>
public sealed class DockerOptions
{
    public const string Section = "Docker";

    /// <summary>The engine's endpoint; empty means <c>DOCKER_HOST</c>, else <see cref="DefaultHost"/>.</summary>
    public string Host { get; set; } = "";

    /// <summary>The network every job container joins; <c>none</c> keeps jobs off the network.</summary>
    public string NetworkMode { get; set; } = "none";

    /// <summary>How many of the last log lines (stdout and stderr together) a finished job reports.</summary>
    public int LogTailLines { get; set; } = 20;

    /// <summary>
    /// Keep finished job containers. Removing them saves disk, but a launch retried after removal would run the job
    /// again, since nothing is left to tell that it ran.
    /// </summary>
    public bool KeepContainers { get; set; } = true;

    /// <summary>
    /// How many launches this process has pulling, creating and starting containers at once; the others queue. An
    /// engine handed ~100 starts at once was seen to stop starting containers at all, and starts go about as fast at
    /// 10 in flight as at 64, so a small bound costs nothing.
    /// </summary>
    public int MaxConcurrentStarts { get; set; } = 8;

    public const string DefaultHost = "unix:///var/run/docker.sock";
}
