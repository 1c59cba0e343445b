namespace ManagedImages.Local.Demo;

/// <summary>A demo step did not show what it should; the message says what was seen instead.</summary>
internal sealed class DemoFailedException(string message) : Exception(message);
