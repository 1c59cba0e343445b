namespace ManagedImages.Local.Tests;

/// <summary>Names no other test (or test run) on the shared stack uses.</summary>
internal static class Unique
{
    public static string Suffix() => Guid.NewGuid().ToString("N")[..10];

    /// <summary>A task hub name: letters and digits only.</summary>
    public static string TaskHub() => "t" + Suffix();
}
