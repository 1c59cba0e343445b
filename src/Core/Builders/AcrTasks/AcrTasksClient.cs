using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// The ACR Tasks operations of the ARM REST API this service needs: source upload URL, upload, scheduleRun (answered
/// at once or as a long-running operation), run status, log link and cancel. ARM requests carry a bearer token from the
/// <see cref="TokenCredential"/> (cached until shortly before it expires) and are tried again on 429 and 5xx, after the
/// Retry-After ARM names. Blob requests (upload, log) carry no token: their URLs hold a SAS.
/// </summary>
public sealed partial class AcrTasksClient(
    HttpClient http,
    TokenCredential credential,
    IOptions<AcrTasksOptions> options,
    TimeProvider time,
    ILogger<AcrTasksClient> logger)
{
    private static readonly TimeSpan TokenRefreshMargin = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LongestRetryAfter = TimeSpan.FromMinutes(5);

    private readonly AcrTasksOptions _options = options.Value;
    private volatile CachedToken? token;

    public async Task<SourceUploadDefinition> GetSourceUploadUrlAsync(CancellationToken cancellationToken)
    {
        const string operation = "listBuildSourceUploadUrl";
        using var response = await SendArmAsync(HttpMethod.Post, RegistryUri("listBuildSourceUploadUrl"), null, operation, cancellationToken);
        await EnsureSuccessAsync(response, operation, cancellationToken);
        var upload = await ReadAsync<SourceUploadDefinition>(response, operation, cancellationToken);
        return upload.UploadUrl is { Length: > 0 } && upload.RelativePath is { Length: > 0 }
            ? upload
            : throw new ArmRequestException($"{operation} answered without uploadUrl or relativePath");
    }

    /// <summary>Stores the build context (a tar.gz) at the upload URL as a block blob.</summary>
    public async Task UploadSourceAsync(Uri uploadUrl, byte[] archive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uploadUrl);
        ArgumentNullException.ThrowIfNull(archive);
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(archive) };
            request.Headers.Add("x-ms-blob-type", "BlockBlob");
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode) return;
            if (attempt <= _options.MaxRetries && IsTransient(response.StatusCode))
            {
                await Task.Delay(RetryDelay(response, attempt), time, cancellationToken);
                continue;
            }
            var body = await ReadTextAsync(response, cancellationToken);
            // The URL holds a SAS: only its path goes into the message.
            throw new ArmRequestException(
                $"Uploading the build context to {uploadUrl.GetLeftPart(UriPartial.Path)} failed: the blob service answered {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    /// <summary>Schedules a run; a 202 (long-running operation) is followed until the run exists.</summary>
    public async Task<AcrRun> ScheduleRunAsync(DockerBuildRequest run, CancellationToken cancellationToken)
    {
        const string operation = "scheduleRun";
        using var response = await SendArmAsync(HttpMethod.Post, RegistryUri("scheduleRun"), JsonContent.Create(run, options: ArmJson.Options), operation, cancellationToken);
        await EnsureSuccessAsync(response, operation, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted) return RequireRunId(await ReadAsync<AcrRun>(response, operation, cancellationToken), operation);

        var asyncOperation = response.Headers.TryGetValues("Azure-AsyncOperation", out var values) ? values.FirstOrDefault() : null;
        var location = response.Headers.Location;
        var wait = RetryAfter(response) ?? _options.PollInterval;
        ArmAsyncOperation? finished = null;
        if (asyncOperation is not null) finished = await AwaitOperationAsync(new Uri(asyncOperation), wait, cancellationToken);
        if (location is not null) return RequireRunId(await AwaitLocationAsync(location, wait, cancellationToken), operation);
        if (finished?.Properties?.RunId is { Length: > 0 } runId) return new AcrRun(finished.Id, runId, finished.Properties);
        throw new ArmRequestException(
            $"{operation} answered 202 Accepted with {(asyncOperation is null ? "neither an Azure-AsyncOperation nor a Location header" : "an operation that names no run")}, so the run cannot be followed");
    }

    /// <summary>The run's current state, and how long ARM asks to wait before asking again (if it says).</summary>
    public async Task<(AcrRun Run, TimeSpan? RetryAfter)> GetRunAsync(string runId, CancellationToken cancellationToken)
    {
        var operation = $"Reading run {runId}";
        using var response = await SendArmAsync(HttpMethod.Get, RunUri(runId, null), null, operation, cancellationToken);
        await EnsureSuccessAsync(response, operation, cancellationToken);
        return (await ReadAsync<AcrRun>(response, operation, cancellationToken), RetryAfter(response));
    }

    /// <summary>A SAS link to the run's log, or null when ARM gives none.</summary>
    public async Task<Uri?> GetLogLinkAsync(string runId, CancellationToken cancellationToken)
    {
        var operation = $"listLogSasUrl of run {runId}";
        using var response = await SendArmAsync(HttpMethod.Post, RunUri(runId, "listLogSasUrl"), null, operation, cancellationToken);
        await EnsureSuccessAsync(response, operation, cancellationToken);
        var links = await ReadAsync<RunLogLinks>(response, operation, cancellationToken);
        return Uri.TryCreate(links.LogLink, UriKind.Absolute, out var link) ? link : null;
    }

    /// <summary>The last <paramref name="lines"/> lines of the log at <paramref name="logLink"/>.</summary>
    public async Task<IReadOnlyList<string>> ReadLogTailAsync(Uri logLink, int lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logLink);
        using var response = await http.GetAsync(logLink, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"Reading the run log at {logLink.GetLeftPart(UriPartial.Path)} failed: {(int)response.StatusCode} {response.StatusCode}");
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var tail = new Queue<string>();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 && tail.Count == 0) continue;
            tail.Enqueue(line);
            if (tail.Count > lines) tail.Dequeue();
        }
        return [.. tail];
    }

    public async Task CancelRunAsync(string runId, CancellationToken cancellationToken)
    {
        var operation = $"Cancelling run {runId}";
        using var response = await SendArmAsync(HttpMethod.Post, RunUri(runId, "cancel"), null, operation, cancellationToken);
        await EnsureSuccessAsync(response, operation, cancellationToken);
    }

    private async Task<ArmAsyncOperation> AwaitOperationAsync(Uri status, TimeSpan wait, CancellationToken cancellationToken)
    {
        const string operation = "Following the scheduleRun operation";
        while (true)
        {
            await Task.Delay(wait, time, cancellationToken);
            using var response = await SendArmAsync(HttpMethod.Get, status, null, operation, cancellationToken);
            await EnsureSuccessAsync(response, operation, cancellationToken);
            var state = await ReadAsync<ArmAsyncOperation>(response, operation, cancellationToken);
            if (state.IsTerminal)
            {
                return state.IsSucceeded
                    ? state
                    : throw new ArmRequestException($"scheduleRun ended {state.Status}: {state.Error?.Code}: {state.Error?.Message}");
            }
            wait = RetryAfter(response) ?? _options.PollInterval;
        }
    }

    private async Task<AcrRun> AwaitLocationAsync(Uri location, TimeSpan wait, CancellationToken cancellationToken)
    {
        const string operation = "Reading the scheduleRun result";
        while (true)
        {
            using var response = await SendArmAsync(HttpMethod.Get, location, null, operation, cancellationToken);
            await EnsureSuccessAsync(response, operation, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted) return await ReadAsync<AcrRun>(response, operation, cancellationToken);
            await Task.Delay(RetryAfter(response) ?? wait, time, cancellationToken);
            wait = _options.PollInterval;
        }
    }

    private static AcrRun RequireRunId(AcrRun run, string operation) =>
        run.RunId is { Length: > 0 } ? run : throw new ArmRequestException($"{operation} answered a run without a runId");

    /// <summary>Sends an authorised ARM request, again after Retry-After while ARM throttles (429) or fails (5xx).</summary>
    private async Task<HttpResponseMessage> SendArmAsync(HttpMethod method, Uri uri, HttpContent? content, string operation, CancellationToken cancellationToken)
    {
        var body = content is null ? null : await content.ReadAsByteArrayAsync(cancellationToken);
        var mediaType = content?.Headers.ContentType;
        content?.Dispose();
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, uri);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = mediaType;
            }
            else if (method == HttpMethod.Post)
            {
                // ARM actions without a body still want a length.
                request.Content = new ByteArrayContent([]);
            }
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetTokenAsync(cancellationToken));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var response = await http.SendAsync(request, cancellationToken);
            if (attempt > _options.MaxRetries || !IsTransient(response.StatusCode)) return response;

            var delay = RetryDelay(response, attempt);
            LogRetry(operation, (int)response.StatusCode, delay);
            response.Dispose();
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        // Two requests racing past an expired token both fetch one: harmless, and the credential caches too.
        if (token is { } cached && cached.ExpiresOn - TokenRefreshMargin > time.GetUtcNow()) return cached.Value;
        var fresh = await credential.GetTokenAsync(new TokenRequestContext([_options.TokenScope]), cancellationToken);
        token = new CachedToken(fresh.Token, fresh.ExpiresOn);
        return fresh.Token;
    }

    private Uri RegistryUri(string action) =>
        new(_options.ArmEndpoint, $"{_options.RegistryResourcePath}/{action}?api-version={Uri.EscapeDataString(_options.ApiVersion)}");

    private Uri RunUri(string runId, string? action) =>
        new(_options.ArmEndpoint,
            $"{_options.RegistryResourcePath}/runs/{Uri.EscapeDataString(runId)}{(action is null ? "" : "/" + action)}?api-version={Uri.EscapeDataString(_options.ApiVersion)}");

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    private TimeSpan RetryDelay(HttpResponseMessage response, int attempt) =>
        RetryAfter(response) ?? _options.RetryDelay * Math.Pow(2, Math.Min(attempt - 1, 5));

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (delay is null && response.Headers.TryGetValues("x-ms-retry-after-ms", out var ms) &&
            double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis))
        {
            delay = TimeSpan.FromMilliseconds(millis);
        }
        if (delay is not { } d) return null;
        return d < TimeSpan.Zero ? TimeSpan.Zero : d > LongestRetryAfter ? LongestRetryAfter : d;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var text = await ReadTextAsync(response, cancellationToken);
        ArmError? error = null;
        try
        {
            error = System.Text.Json.JsonSerializer.Deserialize<ArmErrorResponse>(text, ArmJson.Options)?.Error;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not ARM's error shape (a gateway's page): the text itself is the message.
        }
        throw new ArmRequestException(operation, response.StatusCode, error?.Code, error?.Message ?? (text.Length == 0 ? null : text));
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(ArmJson.Options, cancellationToken)
                ?? throw new ArmRequestException($"{operation} answered an empty body");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArmRequestException($"{operation} answered a body that is not the expected JSON: {e.Message}", e);
        }
    }

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length <= 2000 ? text.Trim() : text[..2000].Trim() + "…";
    }

    private sealed record CachedToken(string Value, DateTimeOffset ExpiresOn);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Operation}: ARM answered {Status}; trying again in {Delay}")]
    private partial void LogRetry(string operation, int status, TimeSpan delay);
}
