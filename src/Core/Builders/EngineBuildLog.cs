using System.Text;
using Docker.DotNet.Models;

namespace ManagedImages.Builders;

/// <summary>
/// Collects a Docker engine build's output as lines (the engine sends stream text in arbitrary pieces) and its first
/// error; reports come synchronously from the reading thread, the lock covers readers on other threads.
/// </summary>
internal sealed class EngineBuildLog : IProgress<JSONMessage>
{
    private readonly object gate = new();
    private readonly List<string> lines = [];
    private readonly StringBuilder partial = new();

    public string? Error { get; private set; }

    /// <summary>The image ID the engine reported as built (its "aux" message), if it did.</summary>
    public string? ImageId { get; private set; }

    public void Add(string line)
    {
        lock (gate)
        {
            Flush();
            lines.Add(line);
        }
    }

    public void Report(JSONMessage value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (gate)
        {
            if (!string.IsNullOrEmpty(value.Stream))
            {
                partial.Append(value.Stream);
                var text = partial.ToString();
                var end = text.LastIndexOf('\n');
                if (end >= 0)
                {
                    lines.AddRange(text[..end].Split('\n').Select(l => l.TrimEnd('\r')));
                    partial.Clear().Append(text[(end + 1)..]);
                }
            }
            if (value.Aux?.ExtensionData is { } aux && aux.TryGetValue("ID", out var id) && id is not null) ImageId = id.ToString();
            var error = value.Error?.Message ?? value.ErrorMessage;
            if (!string.IsNullOrEmpty(error))
            {
                Error ??= error;
                Flush();
                lines.Add("ERROR: " + error);
            }
        }
    }

    public IReadOnlyList<string> Lines()
    {
        lock (gate)
        {
            Flush();
            return [.. lines];
        }
    }

    public IReadOnlyList<string> Tail(int count)
    {
        var all = Lines();
        return all.Count <= count ? all : all.Skip(all.Count - count).ToList();
    }

    private void Flush()
    {
        if (partial.Length == 0) return;
        lines.Add(partial.ToString().TrimEnd('\r'));
        partial.Clear();
    }
}
