namespace ManagedImages.Local.Tests;

/// <summary>
/// Tests that hand the Docker engine a burst of containers, or kill a host with -9 while it talks to the engine, run
/// one after another and alone: on a clean machine the engine here (20.10 on vfs) once stopped starting containers when
/// the hundred-run burst met the crash tests' killed hosts, and every later test waited it out.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineHeavyTests
{
    public const string Name = "Docker engine heavy";
}
