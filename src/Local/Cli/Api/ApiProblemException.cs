namespace ManagedImages.Local.Cli.Api;

/// <summary>The server answered with an error (a problem+json body when it could say why).</summary>
public sealed class ApiProblemException(int status, Problem problem)
    : Exception(problem.Detail ?? problem.Title ?? $"the server answered {status}")
{
    public int Status { get; } = status;

    public Problem Problem { get; } = problem;

    public bool IsImageNotFound => Problem.Type?.EndsWith(":image-not-found", StringComparison.Ordinal) == true;

    public bool IsRunNotFound => Problem.Type?.EndsWith(":run-not-found", StringComparison.Ordinal) == true;
}
