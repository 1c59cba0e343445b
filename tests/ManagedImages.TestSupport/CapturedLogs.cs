using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ManagedImages.TestSupport;

/// <summary>
/// A logger provider that keeps every line at every level (Trace included), with its category, message and
/// exception, so a test can assert what never reaches a log (a secret, a key, a token).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> lines = new();

    public IReadOnlyList<string> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    /// <summary>The lines containing <paramref name="secret"/> (ordinal), for an assertion's message.</summary>
    public IReadOnlyList<string> Containing(string secret) =>
        [.. lines.Where(line => line.Contains(secret, StringComparison.Ordinal))];

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            // The structured values too: a secret in a parameter the message template leaves out would still be stored by a real sink.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
