using Microsoft.DurableTask.Client;

namespace ManagedImages.Functions.Durable;

/// <summary>
/// The DurableTaskClient the host last bound to one of our functions, kept for work that outlives the invocation.
/// <para>
/// Why: the isolated worker has no DurableTaskClient in DI; a client exists only as a [DurableClient] binding, made
/// from the gRPC endpoint, task hub and key the host sends with each invocation. Builds run in the background after
/// the activity that started them has returned, and their completion must raise an event then. The activities that
/// start, restart or give up builds therefore bind a client and remember it here. The bound client is a thin wrapper
/// over one the extension caches per endpoint for the life of the worker (it does not dispose it), so holding it is
/// safe. The alternative, building a gRPC client ourselves, would need the host's endpoint, which only that binding
/// payload carries.
/// </para>
/// </summary>
public sealed class BoundDurableClient
{
    private volatile DurableTaskClient? client;

    public void Remember(DurableTaskClient bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        client = bound;
    }

    public DurableTaskClient Current => client ?? throw new InvalidOperationException(
        "No Durable client has been bound in this worker yet; build completions are raised through the client bound to " +
        "the activity that started the build, so this means a build finished that no activity of this worker started");
}
