namespace ManagedImages.Builds;

/// <summary>Give up <paramref name="Attempt"/> (it took too long) and record <paramref name="Reason"/> as its failure.</summary>
public sealed record GiveUpBuildInput(BuildAttempt Attempt, string Reason);
