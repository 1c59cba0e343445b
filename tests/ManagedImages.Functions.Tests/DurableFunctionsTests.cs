using ManagedImages.Builds;
using ManagedImages.Functions.Durable;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Registration;
using ManagedImages.Runs;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace ManagedImages.Functions.Tests;

[Trait("Category", "Stack")]
public sealed class DurableFunctionsTests(FunctionsHostFixture host) : IClassFixture<FunctionsHostFixture>
{
    /// <summary>Stops the orchestrator at its first activity call, which is what the forwarding tests look at.</summary>
    private sealed class FirstActivityReached : Exception;

    private static Mock<TaskOrchestrationContext> Orchestration<TInput>(TInput input, string instanceId)
    {
        var context = new Mock<TaskOrchestrationContext>();
        context.SetupGet(c => c.InstanceId).Returns(instanceId);
        context.Setup(c => c.GetInput<TInput>()).Returns(input);
        context.Setup(c => c.CallActivityAsync<ResolvedImage>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ThrowsAsync(new FirstActivityReached());
        return context;
    }

    [Fact]
    public async Task RunImage_trigger_runs_RunImageOrchestrator_on_the_orchestration_input()
    {
        var context = Orchestration(new RunImageInput("app", ["echo"], new Dictionary<string, string>()), "run-app-1");

        await Assert.ThrowsAsync<FirstActivityReached>(() => OrchestratorFunctions.RunImage(context.Object));

        context.Verify(c => c.CallActivityAsync<ResolvedImage>(nameof(ResolveImageActivity), "app", It.IsAny<TaskOptions?>()), Times.Once);
        context.Verify(c => c.SetCustomStatus(It.Is<object?>(s => s is RunProgress && ((RunProgress)s).Stage == "resolving")));
    }

    [Fact]
    public async Task RegisterImage_trigger_runs_RegisterImageOrchestrator_on_the_orchestration_input()
    {
        var context = Orchestration(new RegisterImageInput("app", 3), "register-app-r3");

        await Assert.ThrowsAsync<FirstActivityReached>(() => OrchestratorFunctions.RegisterImage(context.Object));

        context.Verify(c => c.CallActivityAsync<ResolvedImage>(nameof(ResolveImageActivity), "app", It.IsAny<TaskOptions?>()), Times.Once);
    }

    [Fact]
    public async Task An_orchestration_started_without_input_fails_saying_so()
    {
        var context = new Mock<TaskOrchestrationContext>();
        context.SetupGet(c => c.InstanceId).Returns("run-x");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OrchestratorFunctions.RunImage(context.Object));

        Assert.Contains("RunImageInput", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MarkRegistration_trigger_runs_the_activity_with_the_hosts_services()
    {
        var nick = UniqueNames.Of("fn");
        await host.Store.SaveAsync(nick, new Registrations.Registration { Base = "127.0.0.1:5000/fntest/busybox:1" }, null);
        var function = FunctionContexts.ForActivity(host.Services.CreateScope().ServiceProvider, nameof(MarkRegistrationActivity), $"register-{nick}-r1");

        await ActivityFunctions.MarkRegistration(new MarkRegistrationInput(nick, 1, "the base does not exist"), function);

        var stored = await host.Store.GetAsync(nick);
        Assert.Equal(RegistrationState.Failed, stored!.State);
        Assert.Equal("the base does not exist", stored.FailureReason);
    }

    [Fact]
    public async Task A_build_started_by_the_RequestBuild_trigger_reports_its_completion_through_the_client_it_bound()
    {
        var nick = UniqueNames.Of("fn");
        // A base tag that was never pushed: the build fails quickly, after the activity has returned.
        await host.Store.SaveAsync(nick, new Registrations.Registration { Base = $"{LocalStack.Registry}/fntest/missing-{nick}:1" }, null);
        var durable = DurableClients.Create();
        var raised = new TaskCompletionSource<BuildCompleted>(TaskCreationOptions.RunContinuationsAsynchronously);
        durable.Setup(c => c.RaiseEventAsync("run-waiter-1", BuildCompleted.EventName, It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Callback((string _, string _, object? payload, CancellationToken _) => raised.TrySetResult((BuildCompleted)payload!))
            .Returns(Task.CompletedTask);
        var function = FunctionContexts.ForActivity(host.Services.CreateScope().ServiceProvider, nameof(RequestBuildActivity), "run-waiter-1");

        var state = await ActivityFunctions.RequestBuild(
            new RequestBuildInput(nick, 1, "sha256:" + new string('e', 64), "run-waiter-1"), durable.Object, function);
        var completed = await raised.Task.WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(BuildStatus.Building, state.Status);
        Assert.False(completed.Succeeded);
        Assert.Equal(state.Version, completed.Version);
        Assert.False(string.IsNullOrEmpty(completed.Error));
    }

    [Fact]
    public async Task The_notifier_before_any_client_was_bound_fails_with_a_clear_message()
    {
        var notifier = new BoundClientBuildNotifier(new BoundDurableClient());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            notifier.NotifyAsync("run-1", new BuildCompleted(false, 1, null, null, "sha256:" + new string('f', 64), "x"), CancellationToken.None));

        Assert.Contains("No Durable client has been bound", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_Functions_services_use_the_bound_client_notifier()
    {
        Assert.IsType<BoundClientBuildNotifier>(host.Services.GetRequiredService<IBuildCompletionNotifier>());
    }
}
