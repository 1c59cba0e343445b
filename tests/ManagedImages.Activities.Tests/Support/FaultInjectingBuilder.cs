using System.Collections.Concurrent;
using ManagedImages.Builds;

namespace ManagedImages.Activities.Tests.Support;

/// <summary>
/// The real builder, with faults a scenario can switch on: throw, never finish, or hold every build until released.
/// Counts the builds it was asked for, per nickname and version.
/// </summary>
internal sealed class FaultInjectingBuilder(IImageBuilder inner) : IImageBuilder
{
    private readonly ConcurrentDictionary<string, int> calls = new();
    private TaskCompletionSource release = Released();

    /// <summary>When set, every build throws this message.</summary>
    public string? FailWith { get; set; }

    /// <summary>When set, builds wait for their cancellation (a build that never finishes).</summary>
    public bool Hang { get; set; }

    public int Calls(string nickname, int version) => calls.GetValueOrDefault($"{nickname}/v{version}");

    public int TotalCalls => calls.Values.Sum();

    /// <summary>Builds wait from now on until <see cref="Release"/>.</summary>
    public void Hold() => release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => release.TrySetResult();

    public async Task<BuiltImage> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        calls.AddOrUpdate($"{request.Nickname}/v{request.Version}", 1, (_, n) => n + 1);
        if (FailWith is { } message) throw new InvalidOperationException(message);
        if (Hang) await Task.Delay(Timeout.Infinite, cancellationToken);
        await release.Task.WaitAsync(cancellationToken);
        return await inner.BuildAsync(request, cancellationToken);
    }

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource();
        released.SetResult();
        return released;
    }
}
