namespace ManagedImages.Layers;

/// <summary>The run settings of an image made from scratch by <see cref="ScratchImage"/>.</summary>
public sealed record ScratchImageConfig
{
    public IReadOnlyList<string>? Entrypoint { get; init; }

    public IReadOnlyList<string>? Cmd { get; init; }

    /// <summary><c>NAME=value</c> entries, in order.</summary>
    public IReadOnlyList<string> Env { get; init; } = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"];

    public string? WorkingDir { get; init; }

    /// <summary>The platform written into the config, like <c>linux/amd64</c>.</summary>
    public string Platform { get; init; } = "linux/amd64";
}
