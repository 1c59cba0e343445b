namespace ManagedImages.Benchmarks.Runs;

/// <summary>The durable backends the runs benchmarks measure, as named on the command line.</summary>
internal enum RunsBackend
{
    /// <summary>The in-memory DurableTaskTestHost (the sidecar over InMemoryOrchestrationService).</summary>
    Memory,

    /// <summary>The one-machine host's backend: the Azure Storage provider on Azurite behind the in-process sidecar, as src/Local builds it.</summary>
    AzureStorage,
}
