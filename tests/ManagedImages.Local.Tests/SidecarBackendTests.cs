using System.Net;
using DurableTask.Core;
using ManagedImages.Local.Durable;
using ManagedImages.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Local.Tests;

public sealed class SidecarBackendTests
{
    [Fact, Trait("Category", "Stack")]
    public async Task An_orchestration_with_an_activity_completes_on_the_Azure_Storage_backend_through_the_sidecar()
    {
        await LocalStack.RequireAllAsync();
        await using WebApplication app = BuildHost(new Dictionary<string, string?>
        {
            ["Durable:TaskHub"] = UniqueNames.Compact("t"),
            ["Durable:SidecarPort"] = "0",
            ["Storage:ConnectionString"] = LocalStack.Storage,
        });
        await app.StartAsync();
        try
        {
            DurableTaskClient client = app.Services.GetRequiredService<DurableTaskClient>();
            using CancellationTokenSource timeout = new(TimeSpan.FromMinutes(2));
            string id = await client.ScheduleNewOrchestrationInstanceAsync("Greet", "sidecar", timeout.Token);
            OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            Assert.Equal("hello sidecar", done.ReadOutputAs<string>());
        }
        finally
        {
            await app.StopAsync();
            await TaskHubCleanup.DeleteAsync(app.Services);
        }
    }

    [Fact]
    public async Task The_memory_backend_runs_an_orchestration_without_any_storage()
    {
        await using WebApplication app = BuildHost(new Dictionary<string, string?>
        {
            ["Durable:Backend"] = "Memory",
            ["Durable:SidecarPort"] = "0",
        });
        await app.StartAsync();
        DurableTaskClient client = app.Services.GetRequiredService<DurableTaskClient>();
        using CancellationTokenSource timeout = new(TimeSpan.FromMinutes(1));
        string id = await client.ScheduleNewOrchestrationInstanceAsync("Greet", "memory", timeout.Token);
        OrchestrationMetadata done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);

        Assert.Equal("hello memory", done.ReadOutputAs<string>());
        await app.StopAsync();
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("1hub")]
    [InlineData("task-hub")]
    public void A_task_hub_name_that_Azure_Storage_would_reject_is_refused_with_the_setting_named(string taskHub)
    {
        ServiceCollection services = new();
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Durable:TaskHub"] = taskHub })
            .Build();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => services.AddLocalDurable(configuration, _ => { }));

        Assert.Contains("Durable:TaskHub", error.Message, StringComparison.Ordinal);
    }

    private static WebApplication BuildHost(Dictionary<string, string?> settings)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        SidecarEndpoint sidecar = builder.Services.AddLocalDurable(builder.Configuration, tasks =>
        {
            tasks.AddActivityFunc<string, string>("Hello", (_, name) => $"hello {name}");
            tasks.AddOrchestratorFunc<string, string>("Greet", (context, name) => context.CallActivityAsync<string>("Hello", name));
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, sidecar.Port, l => l.Protocols = HttpProtocols.Http2));
        WebApplication app = builder.Build();
        app.MapLocalDurableSidecar();
        return app;
    }
}
