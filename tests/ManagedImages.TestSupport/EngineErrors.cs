using Docker.DotNet.Models;

namespace ManagedImages.TestSupport;

/// <summary>The first error of an engine import or push, which the engine reports inside a successful response.</summary>
public sealed class EngineErrors : IProgress<JSONMessage>
{
    private string? _error;

    public void Report(JSONMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var error = value.Error?.Message ?? value.ErrorMessage;
        if (!string.IsNullOrEmpty(error)) _error ??= error;
    }

    /// <summary>Throws with the engine's error, naming <paramref name="what"/> (e.g. "pushing {tag}"), if there was one.</summary>
    public void ThrowIfFailed(string what)
    {
        if (_error is not null) throw new InvalidOperationException($"The Docker engine failed {what}: {_error}");
    }
}
