namespace ManagedImages.Builders.AcrTasks;

/// <summary>A Docker build argument of a run; secret ones are kept out of the run's log.</summary>
public sealed record RunArgument(string Name, string Value, bool IsSecret = false);
