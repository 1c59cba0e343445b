namespace ManagedImages.Builders.AcrTasks;

/// <summary>The run agent's size: its number of cores.</summary>
public sealed record AgentProperties(int Cpu);
