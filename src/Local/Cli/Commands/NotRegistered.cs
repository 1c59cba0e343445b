namespace ManagedImages.Local.Cli.Commands;

/// <summary>The message for a nickname nobody registered, with the command that would register it.</summary>
internal static class NotRegistered
{
    public static string Message(string nickname) =>
        $"no image is registered as '{nickname}': register it with `managed-images register {nickname} -f image.json`";
}
