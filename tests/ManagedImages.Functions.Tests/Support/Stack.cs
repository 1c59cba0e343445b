namespace ManagedImages.Functions.Tests.Support;

/// <summary>The shared local stack's settings; a test that needs one fails with how to start it when it is missing.</summary>
internal static class Stack
{
    public static string Storage => Require("MANAGEDIMAGES_STORAGE");

    public static string Registry => Require("MANAGEDIMAGES_REGISTRY");

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set: start the local stack with scripts/stack up and load its settings with eval \"$(scripts/stack env)\"");
}
