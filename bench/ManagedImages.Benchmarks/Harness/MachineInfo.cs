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
            $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Cores()} cores, load average {load} at start, " +
            $"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}");
    }

    // Environment.ProcessorCount follows DOTNET_PROCESSOR_COUNT, which the runs benchmarks raise.
    private static int Cores() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").Count(l => l.StartsWith("processor", StringComparison.Ordinal))
            : Environment.ProcessorCount;
}
