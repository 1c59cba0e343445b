using System.Globalization;

namespace ManagedImages.Benchmarks.Memory;

/// <summary>
/// The memory lines of <c>/proc/self/status</c>, in bytes: resident set now (VmRSS) and at its highest (VmHWM, which
/// cannot be reset: hence one child process per measurement), and the anonymous (private) part of the resident set.
/// </summary>
internal sealed record ProcStatus(long VmRss, long VmHwm, long RssAnon)
{
    public static ProcStatus Read()
    {
        long rss = 0, hwm = 0, anon = 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kilobytes(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = Kilobytes(line);
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kilobytes(line);
        }
        return new ProcStatus(rss, hwm, anon);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
