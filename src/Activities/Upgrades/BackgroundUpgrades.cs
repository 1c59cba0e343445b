using ManagedImages.Builds;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Upgrades;

/// <summary>
/// Runs the builds base pushes start, at most <see cref="BasePushOptions.MaxConcurrentUpgrades"/> at a time, through
/// <see cref="InProcessBuildRunner"/>. A queued build is already recorded as Building: a run that needs it meanwhile
/// joins the record and its check starts the build at once (not behind the queue); when the queue reaches it, a build
/// already running or finished is left alone. Queued builds lost with the process are restarted by the next run's check.
/// </summary>
public sealed partial class BackgroundUpgrades : IDisposable
{
    private readonly InProcessBuildRunner runner;
    private readonly BuildStore builds;
    private readonly ILogger<BackgroundUpgrades> logger;
    private readonly SemaphoreSlim slots;
    private readonly CancellationTokenSource stopping = new();

    public BackgroundUpgrades(
        InProcessBuildRunner runner, BuildStore builds, IOptions<BasePushOptions> options, ILogger<BackgroundUpgrades> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.runner = runner;
        this.builds = builds;
        this.logger = logger;
        slots = new SemaphoreSlim(options.Value.MaxConcurrentUpgrades);
    }

    /// <summary>Queues the build; the returned task ends when it has run (or was left to someone else).</summary>
    public Task Enqueue(BuildRequest request, string baseReference)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.Run(() => RunAsync(request, baseReference));
    }

    public void Dispose()
    {
        // Cancel only: queued upgrades still waiting read this token.
        stopping.Cancel();
    }

    private async Task RunAsync(BuildRequest request, string baseReference)
    {
        var key = new BuildKey(request.Nickname, request.Revision, request.BaseDigest);
        try
        {
            await slots.WaitAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            var record = await builds.GetAsync(key, stopping.Token);
            if (record is { Status: BuildStatus.Building } && record.Version == request.Version)
                await runner.Start(request, baseReference);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The process stops: the record stays Building and the next run's check builds it.
        }
        catch (Exception e)
        {
            LogFailed(e, request.Version, key);
        }
        finally
        {
            slots.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The upgrade to v{Version} for {Key} could not be run; the next run of the image builds it")]
    private partial void LogFailed(Exception exception, int version, BuildKey key);
}
