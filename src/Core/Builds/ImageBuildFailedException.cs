namespace ManagedImages.Builds;

/// <summary>
/// A builder ran and failed: the message carries the builder's own message and the last lines of the build log, so
/// the run that waited for the build can say why; <see cref="LogTail"/> has those lines apart.
/// </summary>
public sealed class ImageBuildFailedException : Exception
{
    public ImageBuildFailedException() { }

    public ImageBuildFailedException(string message) : base(message) { }

    public ImageBuildFailedException(string message, Exception innerException) : base(message, innerException) { }

    public ImageBuildFailedException(string builderMessage, IReadOnlyList<string> logTail)
        : base(Compose(builderMessage, logTail))
    {
        BuilderMessage = builderMessage;
        LogTail = logTail;
    }

    /// <summary>What the builder said went wrong.</summary>
    public string? BuilderMessage { get; }

    /// <summary>The last lines of the build log.</summary>
    public IReadOnlyList<string> LogTail { get; } = [];

    private static string Compose(string builderMessage, IReadOnlyList<string> logTail)
    {
        ArgumentNullException.ThrowIfNull(logTail);
        return logTail.Count == 0
            ? builderMessage
            : $"{builderMessage}\nLast lines of the build log:\n{string.Join('\n', logTail)}";
    }
}
