namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// What a run builds: the Dockerfile text, the other files of the build context (relative paths to their bytes, like
/// the archive of the registration's files) and the Docker build arguments.
/// </summary>
public sealed record AcrBuildContext(
    string Dockerfile,
    IReadOnlyDictionary<string, byte[]> Files,
    IReadOnlyDictionary<string, string> Arguments)
{
    public const string DockerfileName = "Dockerfile";

    public AcrBuildContext(string dockerfile)
        : this(dockerfile, new Dictionary<string, byte[]>(), new Dictionary<string, string>())
    {
    }
}
