using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace ManagedImages.Functions.Durable;

/// <summary>The activity context the shared activity classes take, made from the Functions invocation.</summary>
internal sealed class FunctionsActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;

    public static FunctionsActivityContext From(FunctionContext function)
    {
        // The activity trigger passes the orchestration's instance id as binding data.
        var instanceId = function.BindingContext.BindingData.TryGetValue("instanceId", out var value) ? value?.ToString() ?? "" : "";
        return new FunctionsActivityContext(function.FunctionDefinition.Name, instanceId);
    }
}
