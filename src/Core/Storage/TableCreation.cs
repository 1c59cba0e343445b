using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace ManagedImages.Storage;

/// <summary>Creates each table once per process, on first use; a failed creation is tried again by the next call.</summary>
public static class TableCreation
{
    private static readonly ConcurrentDictionary<string, Task> Created = new();

    public static async Task EnsureAsync(TableClient table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var key = table.Uri.ToString();
        var creation = Created.GetOrAdd(key, _ => table.CreateIfNotExistsAsync(CancellationToken.None));
        try
        {
            await creation.WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The storage account may not be reachable yet: let the next call try again.
            Created.TryRemove(new KeyValuePair<string, Task>(key, creation));
            throw;
        }
    }
}
