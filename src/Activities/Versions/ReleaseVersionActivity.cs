using ManagedImages.Storage;
using Microsoft.DurableTask;

namespace ManagedImages.Versions;

/// <summary>When a run ends: removes its lease, so garbage collection may take the version once it is old.</summary>
public sealed class ReleaseVersionActivity(ImageStore images) : TaskActivity<LeaseVersionInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, LeaseVersionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await images.ReleaseVersionAsync(input.Nickname, input.RunId, CancellationToken.None);
        return true;
    }
}
