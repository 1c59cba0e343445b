using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Local.Durable;

/// <summary>Builds the Azure Storage orchestration service (on Azurite) with settings that make a restart after a crash quick.</summary>
public static class AzureStorageBackend
{
    public static IOrchestrationService Create(DurableOptions options, string connectionString, ILoggerFactory loggerFactory)
    {
        AzureStorageOrchestrationServiceSettings settings = new()
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = options.TaskHub,
            LoggerFactory = loggerFactory,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = options.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.WorkItemQueueVisibilityTimeout,
            // Partition ownership lives in a table, so leases can be shorter than blob leases allow (15 s minimum).
            UseTablePartitionManagement = true,
            LeaseInterval = options.LeaseInterval,
            LeaseRenewInterval = options.LeaseRenewInterval,
            LeaseAcquireInterval = options.LeaseAcquireInterval,
            // One host per task hub: the app lease only adds a wait (up to its 60 s lease) after a crash.
            UseAppLease = false,
            // A fresh name per process: a restarted host must not wait for leases recorded under a dead one.
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}",
        };
        return new AzureStorageOrchestrationService(settings);
    }
}
