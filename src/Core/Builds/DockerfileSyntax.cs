using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ManagedImages.Builds;

/// <summary>
/// Writes user text into a Dockerfile so that the builder reads back exactly that text and nothing else.
/// Exec forms (RUN, ENTRYPOINT, CMD) are JSON arrays, which the builder parses as JSON with no variable expansion.
/// ENV, LABEL and WORKDIR take words that the builder expands: there a double-quoted word with '\', '"' and '$'
/// escaped reads back literally (checked against the engine). JSON escapes like \n are NOT decoded in those words,
/// and a line break ends the instruction, so values with control characters cannot be written there at all.
/// </summary>
public static class DockerfileSyntax
{
    // Relaxed: non-ASCII stays readable; quotes, backslashes and control characters are still escaped.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>An exec-form argument list: <c>["a", "b"]</c>.</summary>
    public static string ExecForm(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return "[" + string.Join(", ", arguments.Select(a => JsonSerializer.Serialize(a, Json))) + "]";
    }

    /// <summary>Whether <paramref name="text"/> can be written as a quoted word (no line breaks or other control characters).</summary>
    public static bool CanQuote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return !text.Any(char.IsControl) && !text.Contains('\u2028', StringComparison.Ordinal) && !text.Contains('\u2029', StringComparison.Ordinal);
    }

    /// <summary>A double-quoted word that reads back as <paramref name="text"/>; throws for text <see cref="CanQuote"/> refuses.</summary>
    public static string Quote(string text)
    {
        if (!CanQuote(text))
            throw new ArgumentException("The text has a line break or another control character, which a Dockerfile word cannot hold.", nameof(text));
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            if (c is '\\' or '"' or '$') quoted.Append('\\');
            quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }
}
