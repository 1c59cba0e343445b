using System.Globalization;
using System.Text.RegularExpressions;

namespace ManagedImages.Benchmarks.RebaseVsBuild;

/// <summary>
/// When a DockerEngineBuilder build reached each stage, in ms from its log's clock: the builder stamps its stage lines
/// ("Built … (at 1.2 s)", "Recorded", "Pushed", "Done") with the seconds since the build started.
/// </summary>
internal sealed partial record EngineBuildStages(double BuiltMs, double RecordedMs, double PushedMs, double DoneMs)
{
    /// <summary>The stages of a recorded build log, or null when one of them is missing (a failed build).</summary>
    public static EngineBuildStages? Parse(IReadOnlyList<string> log)
    {
        var at = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in log)
        {
            var match = StageLine().Match(line);
            if (match.Success) at[match.Groups[1].Value] = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) * 1000;
        }
        return at.TryGetValue("Built", out var built) && at.TryGetValue("Recorded", out var recorded)
            && at.TryGetValue("Pushed", out var pushed) && at.TryGetValue("Done", out var done)
            ? new EngineBuildStages(built, recorded, pushed, done)
            : null;
    }

    [GeneratedRegex(@"^(Built|Recorded|Pushed|Done)\b.*\(at ([0-9.]+) s\)$")]
    private static partial Regex StageLine();
}
