using System.Globalization;
using System.Runtime.InteropServices;

namespace ManagedImages.Benchmarks.Harness;

/// <summary>The line that heads every result: when, on what, and how loaded the machine was.</summary>
internal static class MachineInfo
{
    public static string Describe()
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {load} at start, " +
            $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");
    }
}
