namespace ManagedImages.Local.Cli;

/// <summary>What the CLI's exit code means.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command ran and failed: the server refused, a run failed, the job exited non-zero, no server.</summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: unknown option, missing argument, unreadable file.</summary>
    public const int Usage = 2;
}
