using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Web;

namespace ManagedImages.IntegrationTests.AcrTasks;

/// <summary>
/// An in-test stand-in for the parts of Azure Resource Manager and blob storage an ACR Tasks build talks to, following
/// the documented shapes (Microsoft.ContainerRegistry 2019-06-01-preview): it checks the bearer token and api-version of
/// every ARM request and the bodies it is sent, hands out a SAS upload URL and stores the PUT blob, schedules runs
/// (answering 200 with the run, or 202 with Azure-AsyncOperation and/or Location), moves each run through the statuses
/// the test scripts, serves a log through listLogSasUrl, and records cancels. Serves on a free loopback port.
/// </summary>
internal sealed class FakeAcrTasks : IAsyncDisposable
{
    public const string SubscriptionId = "00000000-1111-2222-3333-444444444444";
    public const string ResourceGroup = "rg-images";
    public const string RegistryName = "imagesacr";
    public const string ApiVersion = "2019-06-01-preview";

    private readonly HttpListener listener;
    private readonly Task serving;
    private readonly ConcurrentDictionary<string, byte[]> blobs = new();
    private readonly ConcurrentDictionary<string, FakeRun> runs = new();
    private readonly ConcurrentDictionary<string, int> operationPolls = new();
    private int runCount;

    private FakeAcrTasks(HttpListener listener, Uri endpoint)
    {
        this.listener = listener;
        Endpoint = endpoint;
        serving = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>The bearer token every ARM request must carry.</summary>
    public string Token { get; } = "arm-token-" + Guid.NewGuid().ToString("N");

    public ScheduleAnswer Answer { get; set; } = ScheduleAnswer.Immediately;

    /// <summary>The statuses successive reads of a run return; the last one repeats.</summary>
    public IReadOnlyList<string> Statuses { get; set; } = ["Queued", "Running", "Succeeded"];

    /// <summary>What a succeeded run reports as pushed, given the image names it was asked to build.</summary>
    public Func<IReadOnlyList<string>, JsonArray> OutputImages { get; set; } = _ => [];

    public string? RunErrorMessage { get; set; }

    public string Log { get; set; } = "";

    /// <summary>How many reads of a run answer 429 with Retry-After before it is served.</summary>
    public int ThrottledPolls { get; set; }

    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Answers scheduleRun with this status and ARM error code instead of a run.</summary>
    public (HttpStatusCode Status, string Code, string Message)? ScheduleRefusal { get; set; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public IReadOnlyDictionary<string, byte[]> Blobs => blobs;

    public IReadOnlyDictionary<string, FakeRun> Runs => runs;

    public static FakeAcrTasks Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new FakeAcrTasks(listener, new Uri($"http://127.0.0.1:{port}"));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probing and listening: take another.
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        try
        {
            await serving;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private static string RegistryPath =>
        $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.ContainerRegistry/registries/{RegistryName}";

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            using var body = new MemoryStream();
            await request.InputStream.CopyToAsync(body);
            var received = new ReceivedRequest(
                DateTimeOffset.UtcNow, request.HttpMethod, request.Url!.AbsolutePath, request.Url.Query,
                request.Headers["Authorization"], request.Headers["x-ms-blob-type"], body.ToArray());
            Requests.Enqueue(received);
            await RouteAsync(received, response);
        }
        catch (Exception e)
        {
            await WriteAsync(response, HttpStatusCode.InternalServerError, Error("InternalServerError", e.ToString()));
        }
    }

    private async Task RouteAsync(ReceivedRequest request, HttpListenerResponse response)
    {
        var path = request.Path;
        if (path.StartsWith("/blobs/", StringComparison.Ordinal))
        {
            await BlobAsync(request, response);
            return;
        }
        if (path.StartsWith("/logs/", StringComparison.Ordinal))
        {
            var query = HttpUtility.ParseQueryString(request.Query);
            if (request.Authorization is not null || string.IsNullOrEmpty(query["sig"]))
            {
                await WriteAsync(response, HttpStatusCode.Forbidden, "AuthenticationFailed");
                return;
            }
            await WriteAsync(response, HttpStatusCode.OK, Log, "text/plain");
            return;
        }

        // Every ARM request: a bearer token from the credential and the api-version the operations exist in.
        if (request.Authorization != $"Bearer {Token}")
        {
            await WriteAsync(response, HttpStatusCode.Unauthorized, Error("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid."));
            return;
        }
        var apiVersion = HttpUtility.ParseQueryString(request.Query)["api-version"];
        if (apiVersion != ApiVersion)
        {
            await WriteAsync(response, HttpStatusCode.BadRequest, Error("InvalidApiVersionParameter", $"The api-version '{apiVersion}' is invalid."));
            return;
        }

        var operations = $"/subscriptions/{SubscriptionId}/providers/Microsoft.ContainerRegistry/locations/westeurope/";
        if (path.StartsWith(operations, StringComparison.Ordinal))
        {
            await OperationAsync(request, response, path[operations.Length..]);
            return;
        }
        if (!path.StartsWith(RegistryPath + "/", StringComparison.Ordinal))
        {
            await WriteAsync(response, HttpStatusCode.NotFound, Error("ResourceNotFound", $"The Resource '{path}' was not found."));
            return;
        }

        var action = path[(RegistryPath.Length + 1)..];
        switch (request.Method, action.Split('/'))
        {
            case ("POST", ["listBuildSourceUploadUrl"]):
                var relative = $"source/{DateTime.UtcNow:yyyyMMddHH}/{Guid.NewGuid():N}.tar.gz";
                await WriteAsync(response, HttpStatusCode.OK, new JsonObject
                {
                    ["uploadUrl"] = $"{Endpoint}blobs/{relative}?sv=2021-08-06&se=2099-01-01T00%3A00%3A00Z&sr=b&sp=cw&sig=c2lnbmF0dXJl",
                    ["relativePath"] = relative,
                });
                return;
            case ("POST", ["scheduleRun"]):
                await ScheduleAsync(request, response);
                return;
            case ("GET", ["runs", var runId]):
                await GetRunAsync(response, runId);
                return;
            case ("POST", ["runs", var runId, "listLogSasUrl"]) when runs.ContainsKey(runId):
                await WriteAsync(response, HttpStatusCode.OK, new JsonObject
                {
                    ["logLink"] = $"{Endpoint}logs/{runId}/rawtext.log?sv=2021-08-06&sr=b&sp=r&sig=bG9n",
                    ["logArtifactLink"] = null,
                });
                return;
            case ("POST", ["runs", var runId, "cancel"]) when runs.TryGetValue(runId, out var run):
                run.Cancelled = true;
                response.StatusCode = (int)HttpStatusCode.OK;
                response.Close();
                return;
            default:
                await WriteAsync(response, HttpStatusCode.NotFound, Error("ResourceNotFound", $"No operation {request.Method} {action}."));
                return;
        }
    }

    private async Task BlobAsync(ReceivedRequest request, HttpListenerResponse response)
    {
        var query = HttpUtility.ParseQueryString(request.Query);
        if (request.Method != "PUT" || request.Authorization is not null || string.IsNullOrEmpty(query["sig"]))
        {
            // The SAS is the only credential the upload URL takes; a bearer token there is a leak.
            await WriteAsync(response, HttpStatusCode.Forbidden, "AuthenticationFailed: expected a PUT carrying only the SAS");
            return;
        }
        if (request.BlobType != "BlockBlob")
        {
            await WriteAsync(response, HttpStatusCode.BadRequest, "MissingRequiredHeader: x-ms-blob-type");
            return;
        }
        blobs[request.Path["/blobs/".Length..]] = request.Body;
        response.StatusCode = (int)HttpStatusCode.Created;
        response.Close();
    }

    private async Task ScheduleAsync(ReceivedRequest request, HttpListenerResponse response)
    {
        if (ScheduleRefusal is { } refusal)
        {
            await WriteAsync(response, refusal.Status, Error(refusal.Code, refusal.Message));
            return;
        }
        var body = JsonNode.Parse(request.Body)!.AsObject();
        var problems = new List<string>();
        if (body["type"]?.GetValue<string>() != "DockerBuildRequest") problems.Add("type must be DockerBuildRequest");
        if (body["dockerFilePath"]?.GetValue<string>() is not { Length: > 0 }) problems.Add("dockerFilePath is required");
        if (body["platform"]?["os"]?.GetValue<string>() is not ("Linux" or "Windows")) problems.Add("platform.os must be Linux or Windows");
        if (body["sourceLocation"]?.GetValue<string>() is not { } source || !blobs.ContainsKey(source)) problems.Add("sourceLocation names no uploaded source");
        if (body["imageNames"] is not JsonArray { Count: > 0 }) problems.Add("imageNames is empty");
        if (body["timeout"]?.GetValue<int>() is not (>= 300 and <= 28800)) problems.Add("timeout must be within 300..28800");
        if (problems.Count > 0)
        {
            await WriteAsync(response, HttpStatusCode.BadRequest, Error("InvalidRequest", string.Join("; ", problems)));
            return;
        }

        var runId = $"cb{Interlocked.Increment(ref runCount)}";
        var imageNames = body["imageNames"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        var run = new FakeRun(runId, body, imageNames);
        runs[runId] = run;
        switch (Answer)
        {
            case ScheduleAnswer.Immediately:
                await WriteAsync(response, HttpStatusCode.OK, RunBody(run, "Queued"));
                return;
            case ScheduleAnswer.AsyncOperationAndLocation:
                response.AddHeader("Azure-AsyncOperation", OperationUri("operationStatuses", runId));
                response.AddHeader("Location", OperationUri("operationResults", runId));
                break;
            case ScheduleAnswer.LocationOnly:
                response.AddHeader("Location", OperationUri("operationResults", runId));
                break;
        }
        response.AddHeader("Retry-After", "1");
        response.StatusCode = (int)HttpStatusCode.Accepted;
        response.Close();
    }

    private async Task OperationAsync(ReceivedRequest request, HttpListenerResponse response, string rest)
    {
        var parts = rest.Split('/');
        if (request.Method != "GET" || parts.Length != 2 || !runs.TryGetValue(parts[1], out var run))
        {
            await WriteAsync(response, HttpStatusCode.NotFound, Error("OperationNotFound", rest));
            return;
        }
        // Each operation answers "not yet" once, so the client has to follow it.
        var polls = operationPolls.AddOrUpdate(rest, 1, (_, n) => n + 1);
        if (parts[0] == "operationStatuses")
        {
            await WriteAsync(response, HttpStatusCode.OK, new JsonObject
            {
                ["id"] = OperationUri("operationStatuses", run.Id),
                ["status"] = polls == 1 ? "InProgress" : "Succeeded",
            });
            return;
        }
        if (polls == 1)
        {
            response.AddHeader("Retry-After", "1");
            response.StatusCode = (int)HttpStatusCode.Accepted;
            response.Close();
            return;
        }
        await WriteAsync(response, HttpStatusCode.OK, RunBody(run, "Queued"));
    }

    private async Task GetRunAsync(HttpListenerResponse response, string runId)
    {
        if (!runs.TryGetValue(runId, out var run))
        {
            await WriteAsync(response, HttpStatusCode.NotFound, Error("ResourceNotFound", $"The run '{runId}' was not found."));
            return;
        }
        if (Interlocked.Increment(ref run.PollCount) <= ThrottledPolls)
        {
            response.AddHeader("Retry-After", RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await WriteAsync(response, HttpStatusCode.TooManyRequests, Error("TooManyRequests", "The request is being throttled."));
            return;
        }
        var status = run.Cancelled ? "Canceled" : Statuses[Math.Min(run.Reads++, Statuses.Count - 1)];
        await WriteAsync(response, HttpStatusCode.OK, RunBody(run, status));
    }

    private JsonObject RunBody(FakeRun run, string status)
    {
        var properties = new JsonObject
        {
            ["runId"] = run.Id,
            ["status"] = status,
            ["runType"] = "QuickBuild",
            ["createTime"] = "2026-01-05T10:00:00.000000+00:00",
            ["platform"] = run.Request["platform"]!.DeepClone(),
            ["agentConfiguration"] = new JsonObject { ["cpu"] = 2 },
            ["provisioningState"] = "Succeeded",
            ["isArchiveEnabled"] = false,
        };
        if (status == "Succeeded") properties["outputImages"] = OutputImages(run.ImageNames);
        if (status is "Failed" or "Error" && RunErrorMessage is not null) properties["runErrorMessage"] = RunErrorMessage;
        return new JsonObject
        {
            ["type"] = "Microsoft.ContainerRegistry/registries/runs",
            ["id"] = $"{RegistryPath}/runs/{run.Id}",
            ["name"] = run.Id,
            ["properties"] = properties,
        };
    }

    private string OperationUri(string kind, string runId) =>
        $"{Endpoint}subscriptions/{SubscriptionId}/providers/Microsoft.ContainerRegistry/locations/westeurope/{kind}/{runId}?api-version={ApiVersion}";

    private static JsonObject Error(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, JsonNode body) =>
        await WriteAsync(response, status, body.ToJsonString(), "application/json; charset=utf-8");

    private static async Task WriteAsync(HttpListenerResponse response, HttpStatusCode status, string body, string contentType = "text/plain")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = (int)status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public enum ScheduleAnswer
    {
        Immediately,
        AsyncOperationAndLocation,
        LocationOnly,
    }

    public sealed record ReceivedRequest(
        DateTimeOffset At, string Method, string Path, string Query, string? Authorization, string? BlobType, byte[] Body);

    public sealed class FakeRun(string id, JsonObject request, IReadOnlyList<string> imageNames)
    {
        public string Id { get; } = id;

        public JsonObject Request { get; } = request;

        public IReadOnlyList<string> ImageNames { get; } = imageNames;

        public int Reads;

        public int PollCount;

        public volatile bool Cancelled;
    }
}
