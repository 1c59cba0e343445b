namespace ManagedImages.Storage;

/// <summary>A pin or rollback named a version the nickname does not have.</summary>
public sealed class VersionNotFoundException : Exception
{
    public VersionNotFoundException()
    {
    }

    public VersionNotFoundException(string message)
        : base(message)
    {
    }

    public VersionNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public VersionNotFoundException(string nickname, int version)
        : base($"'{nickname}' has no version {version}.")
    {
        Nickname = nickname;
        Version = version;
    }

    public string Nickname { get; } = "";

    public int Version { get; }
}
