namespace ManagedImages.Local.Demo;

/// <summary>One line of the demo's closing table.</summary>
internal sealed record DemoStep(string Name, bool Succeeded, string Result, double Seconds);
