using ManagedImages.Registration;
using ManagedImages.Runs;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace ManagedImages.Functions.Durable;

/// <summary>
/// Orchestration triggers over the shared orchestrators (the Durable source generator that would write these is not
/// available). The orchestrators are stateless, so a new instance per replay costs nothing.
/// </summary>
public static class OrchestratorFunctions
{
    [Function(nameof(RunImageOrchestrator))]
    public static Task<RunOutput> RunImage([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RunImageOrchestrator().RunAsync(context, Input<RunImageInput>(context));

    [Function(nameof(RegisterImageOrchestrator))]
    public static Task<RegisterOutput> RegisterImage([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new RegisterImageOrchestrator().RunAsync(context, Input<RegisterImageInput>(context));

    private static T Input<T>(TaskOrchestrationContext context) =>
        context.GetInput<T>() ?? throw new InvalidOperationException($"the orchestration {context.InstanceId} was started without its {typeof(T).Name}");
}
