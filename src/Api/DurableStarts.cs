using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Api;

/// <summary>Starting orchestrations with ids the API chose.</summary>
internal static class DurableStarts
{
    /// <summary>
    /// Starts <paramref name="orchestrator"/> as <paramref name="instanceId"/> unless that instance exists already (in
    /// any state): scheduling an existing id would replace a finished instance. Returns whether this call started it.
    /// </summary>
    public static async Task<bool> StartOnceAsync(
        DurableTaskClient durable, string orchestrator, string instanceId, object input, CancellationToken cancellationToken)
    {
        if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null) return false;
        try
        {
            await durable.ScheduleNewOrchestrationInstanceAsync(
                orchestrator, input, new StartOrchestrationOptions { InstanceId = instanceId }, cancellationToken);
            return true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Two identical requests raced past the check above; the loser finds the winner's instance.
            if (await durable.GetInstanceAsync(instanceId, getInputsAndOutputs: false, cancellationToken) is not null) return false;
            throw;
        }
    }
}
