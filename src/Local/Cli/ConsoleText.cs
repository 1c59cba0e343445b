using Spectre.Console;
using Spectre.Console.Rendering;

namespace ManagedImages.Local.Cli;

/// <summary>Small helpers so user data (nicknames, logs) is never read as Spectre markup.</summary>
internal static class ConsoleText
{
    public static Table AddTextRow(this Table table, params string?[] cells) =>
        table.AddRow(Texts(cells));

    public static Grid AddTextRow(this Grid grid, params string?[] cells) =>
        grid.AddRow(Texts(cells));

    private static IRenderable[] Texts(string?[] cells) => [.. cells.Select(c => (IRenderable)new Text(c ?? ""))];

    public static string Short(string? digest) =>
        digest is null ? "" : digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length > 19 ? digest[..19] : digest;

    public static string Ago(DateTimeOffset when) => when.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
