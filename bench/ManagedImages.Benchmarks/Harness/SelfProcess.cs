using System.Diagnostics;

namespace ManagedImages.Benchmarks.Harness;

/// <summary>Starts this benchmark program again as a child process, with its own arguments and environment.</summary>
internal static class SelfProcess
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark cannot find its own executable."))
        {
            UseShellExecute = false,
        };
        // Under `dotnet bench.dll` the process is the host: the dll goes first.
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet") start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>Runs the child with the console inherited and returns its exit code.</summary>
    public static async Task<int> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = StartInfo(arguments);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var child = Process.Start(start) ?? throw new InvalidOperationException("The benchmark could not start itself again.");
        await child.WaitForExitAsync(cancellationToken);
        return child.ExitCode;
    }
}
