using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builds;

/// <summary>
/// Runs builds in this process, in the background: at most one running build per <see cref="BuildKey"/> and version,
/// each cancelled after <see cref="BuildOptions.Timeout"/>, each ended through <see cref="BuildCompletion"/>.
/// When the process stops, its builds stop without a verdict: their records stay Building and the next check of a
/// waiting run restarts them elsewhere.
/// </summary>
public sealed class InProcessBuildRunner(
    IImageBuilder builder,
    BuildCompletion completion,
    IOptions<BuildOptions> options,
    ILogger<InProcessBuildRunner> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> running = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();

    /// <summary>Whether this process runs version <paramref name="version"/> of <paramref name="key"/> now.</summary>
    public bool IsRunning(BuildKey key, int version) => running.ContainsKey(Id(key, version));

    /// <summary>
    /// Starts the build unless this process runs it already; returns the task that ends with it (the caller need not
    /// wait: completion is reported through the build record and the waiters' events).
    /// </summary>
    public Task Start(BuildRequest request, string baseReference)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = new BuildKey(request.Nickname, request.Revision, request.BaseDigest);
        var id = Id(key, request.Version);
        return running.GetOrAdd(id, _ => new Lazy<Task>(() => Task.Run(() => RunAsync(id, key, request, baseReference)))).Value;
    }

    public void Dispose()
    {
        // Cancel only: builds still unwinding read this token, and a disposed source would throw at them instead.
        stopping.Cancel();
    }

    private async Task RunAsync(string id, BuildKey key, BuildRequest request, string baseReference)
    {
        var timeout = options.Value.Timeout;
        try
        {
            using var timing = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            timing.CancelAfter(timeout);
            BuiltImage built;
            try
            {
                built = await builder.BuildAsync(request, timing.Token);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                logger.LogInformation("Build of v{Version} for {Key} stopped with the process; a waiting run restarts it", request.Version, key);
                return;
            }
            catch (OperationCanceledException) when (timing.IsCancellationRequested)
            {
                await completion.FailedAsync(key, request.Version, TimedOut(request.Version, timeout), CancellationToken.None);
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Build of v{Version} for {Key} failed", request.Version, key);
                await completion.FailedAsync(key, request.Version, $"the build of v{request.Version} failed: {e.Message}", CancellationToken.None);
                return;
            }

            await completion.SucceededAsync(key, request.Version, baseReference, built, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The record could not be written (storage down): it stays Building and a waiting run's check restarts it.
            logger.LogError(e, "Could not record the end of the build of v{Version} for {Key}", request.Version, key);
        }
        finally
        {
            running.TryRemove(id, out _);
        }
    }

    /// <summary>The message of a build given up after <paramref name="timeout"/>, the same wherever it is given up.</summary>
    public static string TimedOut(int version, TimeSpan timeout) =>
        $"the build of v{version} did not finish within {DurationText.Format(timeout)}";

    private static string Id(BuildKey key, int version) => $"{key}/v{version}";
}
