using Spectre.Console;
using Spectre.Console.Rendering;

namespace ManagedImages.Local.Cli;

/// <summary>Small helpers so user data (nicknames, logs) is never read as Spectre markup.</summary>
internal static class ConsoleText
{
    public static void Line(this IAnsiConsole console, string text) => console.WriteLine(text);

    public static Table AddTextRow(this Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")).ToArray());

    public static string Short(string? digest) =>
        digest is null ? "" : digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length > 19 ? digest[..19] : digest;

    public static string Ago(DateTimeOffset when) => when.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
