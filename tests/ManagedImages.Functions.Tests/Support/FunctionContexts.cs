using Microsoft.Azure.Functions.Worker;
using Moq;

namespace ManagedImages.Functions.Tests.Support;

/// <summary>The FunctionContext the host gives an activity invocation: its services, name and binding data.</summary>
internal static class FunctionContexts
{
    public static FunctionContext ForActivity(IServiceProvider services, string name, string instanceId)
    {
        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns(name);
        var binding = new Mock<BindingContext>();
        binding.SetupGet(b => b.BindingData).Returns(new Dictionary<string, object?> { ["instanceId"] = instanceId });
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.InstanceServices).Returns(services);
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.BindingContext).Returns(binding.Object);
        return context.Object;
    }
}
