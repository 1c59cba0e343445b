namespace ManagedImages.Infra.Tests;

/// <summary>What one Bicep CLI invocation printed and returned.</summary>
public sealed record BicepResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}\n{Error}";
}
