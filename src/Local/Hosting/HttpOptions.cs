namespace ManagedImages.Local.Hosting;

/// <summary>Where the HTTP API listens (HTTP/1.1, loopback by default).</summary>
public sealed class HttpOptions
{
    public const string Section = "Http";

    public const string DefaultUrl = "http://127.0.0.1:7071";

    public string Url { get; set; } = DefaultUrl;
}
