using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Registration;
using ManagedImages.Runs;
using ManagedImages.Versions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Durable;

/// <summary>
/// Activity triggers over the shared activity classes, each created from the invocation's services. The build
/// activities also bind a Durable client and remember it: the builds they start complete after they return.
/// </summary>
public static class ActivityFunctions
{
    [Function(nameof(ResolveImageActivity))]
    public static Task<ResolvedImage> ResolveImage([ActivityTrigger] string nickname, FunctionContext function) =>
        Create<ResolveImageActivity>(function).RunAsync(FunctionsActivityContext.From(function), nickname);

    [Function(nameof(RequestBuildActivity))]
    public static Task<BuildState> RequestBuild(
        [ActivityTrigger] RequestBuildInput input, [DurableClient] DurableTaskClient durable, FunctionContext function) =>
        Create<RequestBuildActivity>(function, durable).RunAsync(FunctionsActivityContext.From(function), input);

    [Function(nameof(CheckBuildActivity))]
    public static Task<BuildState> CheckBuild(
        [ActivityTrigger] BuildAttempt input, [DurableClient] DurableTaskClient durable, FunctionContext function) =>
        Create<CheckBuildActivity>(function, durable).RunAsync(FunctionsActivityContext.From(function), input);

    [Function(nameof(GiveUpBuildActivity))]
    public static Task<BuildState> GiveUpBuild(
        [ActivityTrigger] GiveUpBuildInput input, [DurableClient] DurableTaskClient durable, FunctionContext function) =>
        Create<GiveUpBuildActivity>(function, durable).RunAsync(FunctionsActivityContext.From(function), input);

    [Function(nameof(LaunchJobActivity))]
    public static Task<JobLaunch> LaunchJob([ActivityTrigger] JobRequest input, FunctionContext function) =>
        Create<LaunchJobActivity>(function).RunAsync(FunctionsActivityContext.From(function), input);

    [Function(nameof(AwaitJobActivity))]
    public static Task<JobResult?> AwaitJob([ActivityTrigger] string jobName, FunctionContext function) =>
        Create<AwaitJobActivity>(function).RunAsync(FunctionsActivityContext.From(function), jobName);

    [Function(nameof(MarkRegistrationActivity))]
    public static Task<bool> MarkRegistration([ActivityTrigger] MarkRegistrationInput input, FunctionContext function) =>
        Create<MarkRegistrationActivity>(function).RunAsync(FunctionsActivityContext.From(function), input);

    [Function(nameof(LeaseVersionActivity))]
    public static Task<bool> LeaseVersion([ActivityTrigger] LeaseVersionInput input, FunctionContext function) =>
        Create<LeaseVersionActivity>(function).RunAsync(FunctionsActivityContext.From(function), input);

    [Function(nameof(ReleaseVersionActivity))]
    public static Task<bool> ReleaseVersion([ActivityTrigger] LeaseVersionInput input, FunctionContext function) =>
        Create<ReleaseVersionActivity>(function).RunAsync(FunctionsActivityContext.From(function), input);

    private static T Create<T>(FunctionContext function, DurableTaskClient? durable = null)
        where T : ITaskActivity
    {
        ArgumentNullException.ThrowIfNull(function);
        if (durable is not null) function.InstanceServices.GetRequiredService<BoundDurableClient>().Remember(durable);
        return ActivatorUtilities.CreateInstance<T>(function.InstanceServices);
    }
}
