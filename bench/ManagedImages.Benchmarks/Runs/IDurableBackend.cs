using Microsoft.DurableTask.Client;

namespace ManagedImages.Benchmarks.Runs;

/// <summary>A started durable backend with the Managed Images orchestrations and services: its client and its services.</summary>
internal interface IDurableBackend : IAsyncDisposable
{
    /// <summary>How the tables name the backend.</summary>
    string Name { get; }

    /// <summary>What the setup line says about it (task hub, concurrency).</summary>
    string Details { get; }

    /// <summary>How many activities (job launches, job waits) the backend's sidecar dispatches at once.</summary>
    int ActivityConcurrency { get; }

    DurableTaskClient Client { get; }

    IServiceProvider Services { get; }
}
