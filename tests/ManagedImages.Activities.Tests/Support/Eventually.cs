namespace ManagedImages.Activities.Tests.Support;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <see cref="World.Patience"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string waitingFor)
    {
        var deadline = DateTime.UtcNow + World.Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"gave up waiting for {waitingFor} after {World.Patience}");
            await Task.Delay(100);
        }
    }
}
