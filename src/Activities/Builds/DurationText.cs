using System.Globalization;

namespace ManagedImages.Builds;

/// <summary>Durations as people write them in messages: "45 s", "30 min", "1 h 30 min".</summary>
public static class DurationText
{
    public static string Format(TimeSpan duration)
    {
        var c = CultureInfo.InvariantCulture;
        if (duration < TimeSpan.FromMinutes(1))
        {
            return duration.TotalSeconds == Math.Floor(duration.TotalSeconds)
                ? string.Create(c, $"{(int)duration.TotalSeconds} s")
                : string.Create(c, $"{duration.TotalSeconds:0.###} s");
        }
        var parts = new List<string>();
        if (duration.Days > 0) parts.Add(string.Create(c, $"{duration.Days} d"));
        if (duration.Hours > 0) parts.Add(string.Create(c, $"{duration.Hours} h"));
        if (duration.Minutes > 0) parts.Add(string.Create(c, $"{duration.Minutes} min"));
        if (duration.Seconds > 0) parts.Add(string.Create(c, $"{duration.Seconds} s"));
        return string.Join(' ', parts);
    }
}
