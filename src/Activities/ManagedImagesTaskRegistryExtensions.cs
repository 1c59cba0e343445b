using ManagedImages.Builds;
using ManagedImages.Registration;
using ManagedImages.Runs;
using ManagedImages.Versions;
using Microsoft.DurableTask;

namespace ManagedImages;

public static class ManagedImagesTaskRegistryExtensions
{
    /// <summary>Registers every orchestrator and activity of Managed Images; both hosts call this.</summary>
    public static DurableTaskRegistry AddManagedImagesTasks(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<RunImageOrchestrator>()
            .AddOrchestrator<RegisterImageOrchestrator>()
            .AddActivity<ResolveImageActivity>()
            .AddActivity<RequestBuildActivity>()
            .AddActivity<CheckBuildActivity>()
            .AddActivity<GiveUpBuildActivity>()
            .AddActivity<LaunchJobActivity>()
            .AddActivity<AwaitJobActivity>()
            .AddActivity<MarkRegistrationActivity>()
            .AddActivity<LeaseVersionActivity>()
            .AddActivity<ReleaseVersionActivity>();
    }
}
