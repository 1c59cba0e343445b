using Microsoft.Extensions.Logging;

namespace ManagedImages.Versions;

/// <summary>
/// Runs a garbage collection in the background after a new version is recorded, so the run that built it does not
/// wait. Requests for a nickname whose collection is going coalesce into one more pass after it. A collection lost with
/// the process is only postponed: the next new version (or POST /api/images/{nick}/gc) collects what it left.
/// </summary>
public sealed partial class BackgroundCollections(VersionCollector collector, ILogger<BackgroundCollections> logger) : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Task> running = new(StringComparer.Ordinal);
    private readonly HashSet<string> again = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();

    /// <summary>Asks for a collection of <paramref name="nickname"/>; returns the task of the passes that will cover it.</summary>
    public Task Request(string nickname)
    {
        ArgumentException.ThrowIfNullOrEmpty(nickname);
        lock (gate)
        {
            if (running.TryGetValue(nickname, out var going))
            {
                again.Add(nickname);
                return going;
            }
            var started = Task.Run(() => LoopAsync(nickname));
            running[nickname] = started;
            return started;
        }
    }

    public void Dispose()
    {
        // Cancel only: a pass still unwinding reads this token.
        stopping.Cancel();
    }

    private async Task LoopAsync(string nickname)
    {
        while (true)
        {
            try
            {
                await collector.CollectAsync(nickname, stopping.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // Stopping with the process.
            }
            catch (Exception e)
            {
                LogFailed(e, nickname);
            }
            lock (gate)
            {
                // Another pass only if someone asked while this one ran (a newer version may have made more old).
                if (stopping.IsCancellationRequested || !again.Remove(nickname))
                {
                    running.Remove(nickname);
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Garbage collection of {Nickname} failed; the next new version tries again")]
    private partial void LogFailed(Exception error, string nickname);
}
