using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ManagedImages.Local.Cli.Api;

/// <summary>The HTTP API of a running server, as the CLI and the demo use it.</summary>
public sealed class ApiClient(HttpClient http) : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <param name="apiKey">Sent as <c>Authorization: Bearer</c> when given (a host with <c>Auth:ApiKeys</c> needs one).</param>
    public ApiClient(Uri server, string? apiKey = null)
        : this(Create(server, apiKey))
    {
    }

    public Uri Server => http.BaseAddress!;

    private static HttpClient Create(Uri server, string? apiKey)
    {
        HttpClient http = new() { BaseAddress = server, Timeout = TimeSpan.FromSeconds(100) };
        if (!string.IsNullOrEmpty(apiKey))
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    public Task<ImageList> ListImagesAsync(CancellationToken cancellationToken) =>
        SendAsync<ImageList>(HttpMethod.Get, "api/images", null, cancellationToken);

    public Task<ImageDetails> GetImageAsync(string nickname, CancellationToken cancellationToken) =>
        SendAsync<ImageDetails>(HttpMethod.Get, $"api/images/{Uri.EscapeDataString(nickname)}", null, cancellationToken);

    public Task<BuildPlanDetails> GetPlanAsync(string nickname, CancellationToken cancellationToken) =>
        SendAsync<BuildPlanDetails>(HttpMethod.Get, $"api/images/{Uri.EscapeDataString(nickname)}/plan", null, cancellationToken);

    public Task<BuildLog> GetBuildLogAsync(string nickname, string version, CancellationToken cancellationToken) =>
        SendAsync<BuildLog>(
            HttpMethod.Get,
            $"api/images/{Uri.EscapeDataString(nickname)}/versions/{Uri.EscapeDataString(version)}/log",
            null,
            cancellationToken);

    public Task<VersionChoice> PinAsync(string nickname, int version, CancellationToken cancellationToken) =>
        SendAsync<VersionChoice>(
            HttpMethod.Put, $"api/images/{Uri.EscapeDataString(nickname)}/pin", JsonContent.Create(new { version }, options: Json), cancellationToken);

    public Task<VersionChoice> UnpinAsync(string nickname, CancellationToken cancellationToken) =>
        SendAsync<VersionChoice>(HttpMethod.Delete, $"api/images/{Uri.EscapeDataString(nickname)}/pin", null, cancellationToken);

    public Task<VersionChoice> RollBackAsync(string nickname, int version, CancellationToken cancellationToken) =>
        SendAsync<VersionChoice>(
            HttpMethod.Post, $"api/images/{Uri.EscapeDataString(nickname)}/rollback", JsonContent.Create(new { version }, options: Json), cancellationToken);

    public Task<CollectionReport> CollectAsync(string nickname, CancellationToken cancellationToken) =>
        SendAsync<CollectionReport>(HttpMethod.Post, $"api/images/{Uri.EscapeDataString(nickname)}/gc", null, cancellationToken);

    /// <summary>PUT the registration document as given (the server validates it and names the fields at fault).</summary>
    public Task<ImageDetails> RegisterAsync(string nickname, string registrationJson, CancellationToken cancellationToken) =>
        SendAsync<ImageDetails>(
            HttpMethod.Put,
            $"api/images/{Uri.EscapeDataString(nickname)}",
            new StringContent(registrationJson, Encoding.UTF8, "application/json"),
            cancellationToken);

    public Task<RunLink> StartRunAsync(
        string nickname,
        IReadOnlyList<string> args,
        IReadOnlyDictionary<string, string> env,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? limits = null) =>
        SendAsync<RunLink>(
            HttpMethod.Post,
            $"api/images/{Uri.EscapeDataString(nickname)}/runs",
            JsonContent.Create(new { args, env, resources = limits is { Count: > 0 } ? new { limits } : null }, options: Json),
            cancellationToken);

    public Task<RunStatus> GetRunAsync(string id, CancellationToken cancellationToken) =>
        SendAsync<RunStatus>(HttpMethod.Get, $"api/runs/{Uri.EscapeDataString(id)}", null, cancellationToken);

    /// <summary>Polls a run until it finishes, reporting each new progress line.</summary>
    public async Task<RunStatus> WaitForRunAsync(string id, Action<RunStatus>? onProgress, CancellationToken cancellationToken)
    {
        string? last = null;
        TimeSpan delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            RunStatus status = await GetRunAsync(id, cancellationToken);
            if (status.Progress != last)
            {
                last = status.Progress;
                onProgress?.Invoke(status);
            }

            if (status.IsFinished)
            {
                return status;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(1000, delay.TotalMilliseconds * 1.5));
        }
    }

    /// <summary>True when something answers HTTP at the server URL.</summary>
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            using HttpResponseMessage response = await http.GetAsync("api/images", cancellationToken);
            return true;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = new(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new ServerUnavailableException(Server, e);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new ApiProblemException((int)response.StatusCode, await ReadProblemAsync(response, cancellationToken));
            }

            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new InvalidDataException($"{method} {path} answered {(int)response.StatusCode} without a body.");
        }
    }

    private static async Task<Problem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            if (JsonSerializer.Deserialize<Problem>(body, Json) is { } problem && (problem.Detail ?? problem.Title) is not null)
            {
                return problem;
            }
        }
        catch (JsonException)
        {
            // Not a problem body: fall through to the status line.
        }

        string detail = response.StatusCode == HttpStatusCode.NotFound
            ? $"{response.RequestMessage?.RequestUri} was not found: is this a Managed Images server?"
            : $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}";
        return new Problem(null, null, (int)response.StatusCode, detail, null);
    }

    public void Dispose() => http.Dispose();
}
