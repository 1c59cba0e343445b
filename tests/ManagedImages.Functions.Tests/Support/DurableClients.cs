using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Moq;

namespace ManagedImages.Functions.Tests.Support;

/// <summary>The Durable client seam the host binds: a mock that knows the instances scheduled through it.</summary>
internal static class DurableClients
{
    public static Mock<DurableTaskClient> Create(params OrchestrationMetadata[] existing)
    {
        var client = new Mock<DurableTaskClient>(MockBehavior.Loose, "test");
        var instances = existing.ToDictionary(i => i.InstanceId);
        client.Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, bool _, CancellationToken _) => instances.GetValueOrDefault(id));
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(
                It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskName name, object? _, StartOrchestrationOptions? options, CancellationToken _) =>
            {
                var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
                instances[id] = new OrchestrationMetadata(name.Name, id) { RuntimeStatus = OrchestrationRuntimeStatus.Pending };
                return id;
            });
        return client;
    }
}
