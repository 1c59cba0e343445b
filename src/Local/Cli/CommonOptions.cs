using System.CommandLine;
using ManagedImages.Local.Hosting;

namespace ManagedImages.Local.Cli;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary>The server the client commands talk to.</summary>
    public static Option<Uri> Url() => new("--url")
    {
        Description = "The Managed Images server",
        DefaultValueFactory = _ => new Uri(HttpOptions.DefaultUrl),
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : HttpOptions.DefaultUrl;
            if (Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            result.AddError($"--url '{text}' is not an http(s) URL, like {HttpOptions.DefaultUrl}");
            return null;
        },
    };

    /// <summary>The key client commands send (every command takes it); a server without Auth:ApiKeys needs none.</summary>
    public static Option<string> ApiKey() => new("--api-key")
    {
        Description = $"The API key to send (default: ${Access.ApiKeyOptions.EnvironmentVariable}); a server with no keys configured needs none",
        Recursive = true,
    };

    public static Argument<string> Nickname() => new("nickname") { Description = "The custom image's nickname" };
}
