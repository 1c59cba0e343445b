namespace ManagedImages.Registrations;

/// <summary>
/// Size limits of a registration. They keep the stored document within one table entity (1 MiB, in 64 KiB binary
/// properties) and keep a registration a description of customizations rather than a way to ship large content.
/// </summary>
public static class RegistrationLimits
{
    public const int MaxFileBytes = 256 * 1024;
    public const int MaxTotalFileBytes = 512 * 1024;

    /// <summary>Env, labels, entrypoint, cmd, workdir, removed paths and package names together.</summary>
    public const int MaxOtherBytes = 64 * 1024;

    public const int MaxPackagesPerManager = 100;
    public const int MaxPathLength = 4096;
    public const int MaxNicknameLength = 63;

    /// <summary>A byte count the way the messages state limits: "300 KiB" (rounded up), or bytes when under 1 KiB.</summary>
    public static string Describe(long bytes) => bytes < 1024 ? $"{bytes} bytes" : $"{(bytes + 1023) / 1024} KiB";
}
