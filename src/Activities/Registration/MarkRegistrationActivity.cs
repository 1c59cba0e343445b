using ManagedImages.Storage;
using Microsoft.DurableTask;

namespace ManagedImages.Registration;

/// <summary>Marks a registration whose first build failed (a no-op once it moved on to another revision or state).</summary>
public sealed class MarkRegistrationActivity(ImageStore images) : TaskActivity<MarkRegistrationInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, MarkRegistrationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await images.MarkFailedAsync(input.Nickname, input.Revision, input.Reason, CancellationToken.None);
        return true;
    }
}
