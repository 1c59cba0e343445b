using System.Reflection;
using ManagedImages.Api;
using ManagedImages.Functions.Http;
using ManagedImages.Functions.Tests.Support;
using ManagedImages.Registration;
using ManagedImages.Runs;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Moq;

namespace ManagedImages.Functions.Tests;

[Trait("Category", "Stack")]
public sealed class RunsFunctionsTests(ApiFixture fixture) : IClassFixture<ApiFixture>
{
    private RunsFunctions Functions => new(fixture.Runs);

    private async Task<string> RegisteredAsync()
    {
        var nick = UniqueNames.Of("fn");
        await fixture.Store.SaveAsync(nick, new Registrations.Registration { Base = "127.0.0.1:5000/fntest/busybox:1" }, null);
        return nick;
    }

    [Fact]
    public async Task Start_answers_202_with_the_status_url_and_schedules_RunImageOrchestrator_with_the_args_and_env()
    {
        var nick = await RegisteredAsync();
        var durable = DurableClients.Create();
        var body = "{\"args\": [\"echo\", \"hi\"], \"env\": {\"GREETING\": \"hello\"}}";

        var answer = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs", body), nick, durable.Object));

        Assert.Equal(202, answer.Status);
        var id = answer.Body.GetProperty("id").GetString()!;
        Assert.StartsWith($"run-{nick}-", id, StringComparison.Ordinal);
        Assert.Equal($"https://images.example.test/api/runs/{id}", answer.Body.GetProperty("statusUrl").GetString());
        Assert.Equal(answer.Body.GetProperty("statusUrl").GetString(), answer.Headers["Location"]);
        durable.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            nameof(RunImageOrchestrator),
            It.Is<object?>(input => input is RunImageInput
                && ((RunImageInput)input).Nickname == nick
                && ((RunImageInput)input).Args.SequenceEqual(new[] { "echo", "hi" })
                && ((RunImageInput)input).Env["GREETING"] == "hello"),
            It.Is<StartOrchestrationOptions?>(options => options != null && options.InstanceId == id),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Start_records_when_the_image_was_last_run_on_its_base_tag_without_changing_its_ETag()
    {
        var nick = await RegisteredAsync();
        var before = await fixture.Store.GetAsync(nick);
        Assert.Null(await fixture.Store.GetLastRunAsync(nick));
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);

        var answer = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs"), nick, DurableClients.Create().Object));

        Assert.Equal(202, answer.Status);
        var lastRun = await fixture.Store.GetLastRunAsync(nick);
        Assert.NotNull(lastRun);
        Assert.InRange(lastRun.Value, started, DateTimeOffset.UtcNow);
        Assert.Equal(before!.ETag, (await fixture.Store.GetAsync(nick))!.ETag);
        Assert.Contains(nick, await fixture.Store.FindRunSinceAsync(BaseTagName.Of(before.Registration.Base)!, started));
    }

    [Fact]
    public async Task Start_without_a_body_runs_with_no_args_and_env_and_each_request_gets_its_own_run()
    {
        var nick = await RegisteredAsync();
        var durable = DurableClients.Create();

        var first = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs"), nick, durable.Object));
        var second = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs"), nick, durable.Object));

        Assert.Equal(202, first.Status);
        Assert.NotEqual(first.Body.GetProperty("id").GetString(), second.Body.GetProperty("id").GetString());
        durable.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            nameof(RunImageOrchestrator),
            It.Is<object?>(input => input is RunImageInput && ((RunImageInput)input).Args.Count == 0 && ((RunImageInput)input).Env.Count == 0),
            It.IsAny<StartOrchestrationOptions?>(),
            It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public async Task Start_with_a_Functions_bound_client_adds_the_Durable_management_urls()
    {
        var nick = await RegisteredAsync();
        var bound = FunctionsBoundClient(DurableClients.Create().Object, "http://localhost:7071/runtime/webhooks/durabletask", "taskHub=ManagedImages&code=k");

        var answer = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs"), nick, bound));

        Assert.Equal(202, answer.Status);
        var id = answer.Body.GetProperty("id").GetString()!;
        Assert.Equal($"http://localhost:7071/runtime/webhooks/durabletask/instances/{id}?taskHub=ManagedImages&code=k",
            answer.Body.GetProperty("statusQueryGetUri").GetString());
        Assert.Contains("/raiseEvent/", answer.Body.GetProperty("sendEventPostUri").GetString(), StringComparison.Ordinal);
        Assert.Equal($"https://images.example.test/api/runs/{id}", answer.Headers["Location"]);
    }

    [Fact]
    public async Task Start_for_an_unknown_nickname_answers_404_and_starts_nothing()
    {
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", "/api/images/fn-nobody/runs"), "fn-nobody", durable.Object));

        Assert.Equal(404, answer.Status);
        Assert.Equal(Problems.ImageNotFoundType, answer.Body.GetProperty("type").GetString());
        durable.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Start_with_a_bad_env_name_or_an_unknown_field_answers_400_naming_it()
    {
        var nick = await RegisteredAsync();
        var durable = DurableClients.Create();

        var badEnv = await Requests.WriteAsync(await Functions.Start(
            Requests.Create("POST", $"/api/images/{nick}/runs", "{\"env\": {\"NOT-OK\": \"1\"}}"), nick, durable.Object));
        var unknown = await Requests.WriteAsync(await Functions.Start(
            Requests.Create("POST", $"/api/images/{nick}/runs", "{\"argz\": []}"), nick, durable.Object));

        Assert.Equal(400, badEnv.Status);
        Assert.Equal(["env.NOT-OK"], badEnv.ErrorFields());
        Assert.Equal(400, unknown.Status);
        Assert.Equal(["argz"], unknown.ErrorFields());
        Assert.Contains("args, env", unknown.Body.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        durable.VerifyNoOtherCalls();
    }

    [Theory]
    [InlineData(null, FreshnessMode.Strict, null)]
    [InlineData("{\"freshness\": \"strict\"}", FreshnessMode.Strict, null)]
    [InlineData("{\"freshness\": \"allowStale\"}", FreshnessMode.AllowStale, null)]
    [InlineData("{\"freshness\": \"maxAge\", \"maxAge\": \"PT1H\"}", FreshnessMode.MaxAge, 60)]
    [InlineData("{\"maxAge\": \"P1D\"}", FreshnessMode.MaxAge, 24 * 60)]
    public async Task Start_passes_the_freshness_policy_to_the_run(string? body, FreshnessMode mode, int? maxAgeMinutes)
    {
        var nick = await RegisteredAsync();
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs", body), nick, durable.Object));

        Assert.Equal(202, answer.Status);
        var expected = new RunFreshness(mode, maxAgeMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : null);
        durable.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            nameof(RunImageOrchestrator),
            It.Is<object?>(input => input is RunImageInput && Equals(((RunImageInput)input).Freshness, expected)),
            It.IsAny<StartOrchestrationOptions?>(),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("{\"freshness\": \"lazy\"}", "freshness")]
    [InlineData("{\"freshness\": \"maxAge\"}", "maxAge")]
    [InlineData("{\"freshness\": \"maxAge\", \"maxAge\": \"an hour\"}", "maxAge")]
    [InlineData("{\"maxAge\": \"-PT1H\"}", "maxAge")]
    [InlineData("{\"freshness\": \"allowStale\", \"maxAge\": \"PT1H\"}", "maxAge")]
    [InlineData("{\"freshness\": {\"maxAge\": \"PT1H\"}}", "freshness")]
    public async Task Start_with_a_bad_freshness_policy_answers_400_naming_the_field_and_starts_nothing(string body, string field)
    {
        var nick = await RegisteredAsync();
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs", body), nick, durable.Object));

        Assert.Equal(400, answer.Status);
        Assert.Equal([field], answer.ErrorFields());
        durable.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Start_passes_the_requested_resources_to_the_run()
    {
        var nick = await RegisteredAsync();
        var durable = DurableClients.Create();
        const string body = "{\"resources\": {\"requests\": {\"cpu\": \"250m\"}, \"limits\": {\"memory\": \"256Mi\"}}}";

        var answer = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs", body), nick, durable.Object));

        Assert.Equal(202, answer.Status);
        durable.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            nameof(RunImageOrchestrator),
            It.Is<object?>(input => input is RunImageInput
                && ((RunImageInput)input).Resources!.Requests["cpu"] == "250m"
                && ((RunImageInput)input).Resources!.Limits["memory"] == "256Mi"),
            It.IsAny<StartOrchestrationOptions?>(),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Theory]
    [InlineData("{\"resources\": {\"limits\": {\"memory\": \"lots\"}}}", "resources.limits.memory")]
    [InlineData("{\"resources\": {\"requests\": {\"cpu\": \"2\"}, \"limits\": {\"cpu\": \"1\"}}}", "resources.requests.cpu")]
    [InlineData("{\"resources\": {\"limits\": {\"gpu\": \"1\"}}}", "resources.limits.gpu")]
    public async Task Start_with_bad_resources_answers_400_naming_the_field_and_starts_nothing(string body, string field)
    {
        var nick = await RegisteredAsync();
        var durable = DurableClients.Create();

        var answer = await Requests.WriteAsync(await Functions.Start(Requests.Create("POST", $"/api/images/{nick}/runs", body), nick, durable.Object));

        Assert.Equal(400, answer.Status);
        Assert.Equal([field], answer.ErrorFields());
        durable.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task Status_of_a_completed_run_shows_Completed_with_its_output_and_stage_in_camel_case()
    {
        var output = new RunOutput("app", 2, "127.0.0.1:5000/managed/app@sha256:" + new string('c', 64), "sha256:" + new string('c', 64),
            "sha256:" + new string('d', 64), true, "run-app-1", 0, ["hello"]);
        var instance = Instance("run-app-1", nameof(RunImageOrchestrator), OrchestrationRuntimeStatus.Completed, output, new RunProgress("done", "exited 0"));

        var answer = await Requests.WriteAsync(await Functions.Get(Requests.Create("GET", "/api/runs/run-app-1"), "run-app-1", DurableClients.Create(instance).Object));

        Assert.Equal(200, answer.Status);
        var body = answer.Body;
        Assert.Equal("run-app-1", body.GetProperty("id").GetString());
        Assert.Equal(nameof(RunImageOrchestrator), body.GetProperty("name").GetString());
        Assert.Equal("Completed", body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("done", body.GetProperty("customStatus").GetProperty("stage").GetString());
        Assert.Equal(2, body.GetProperty("output").GetProperty("version").GetInt32());
        Assert.True(body.GetProperty("output").GetProperty("upgraded").GetBoolean());
        Assert.Equal("hello", body.GetProperty("output").GetProperty("logTail")[0].GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("failure").ValueKind);
    }

    [Fact]
    public async Task Status_of_a_failed_registration_run_shows_Failed_with_the_reason()
    {
        var instance = Instance("register-app-r1", nameof(RegisterImageOrchestrator), OrchestrationRuntimeStatus.Failed, null,
            new RunProgress("failed", "the base 127.0.0.1:5000/nothing:1 does not exist"),
            new TaskFailureDetails("PermanentFailureException", "the base 127.0.0.1:5000/nothing:1 does not exist", null, null, null));

        var answer = await Requests.WriteAsync(await Functions.Get(Requests.Create("GET", "/api/runs/register-app-r1"), "register-app-r1", DurableClients.Create(instance).Object));

        Assert.Equal(200, answer.Status);
        Assert.Equal("Failed", answer.Body.GetProperty("runtimeStatus").GetString());
        Assert.Equal("the base 127.0.0.1:5000/nothing:1 does not exist", answer.Body.GetProperty("failure").GetProperty("message").GetString());
        Assert.Equal("failed", answer.Body.GetProperty("customStatus").GetProperty("stage").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.Body.GetProperty("output").ValueKind);
    }

    [Fact]
    public async Task Status_of_a_failed_run_whose_stored_output_is_plain_failure_text_answers_200_without_output()
    {
        // What the sidecar stores for a failed orchestration: the failure message as the output, not JSON.
        var instance = new OrchestrationMetadata(nameof(RunImageOrchestrator), "run-app-1")
        {
            RuntimeStatus = OrchestrationRuntimeStatus.Failed,
            CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            LastUpdatedAt = DateTimeOffset.UtcNow,
            SerializedOutput = "the build of v2 did not finish within 5 s; the previous version (v1) stays current",
            SerializedCustomStatus = JsonDataConverter.Default.Serialize(new RunProgress("failed", "the build of v2 did not finish")),
            DataConverter = JsonDataConverter.Default,
            FailureDetails = new TaskFailureDetails("PermanentFailureException", "the build of v2 did not finish within 5 s; the previous version (v1) stays current", null, null, null),
        };

        var answer = await Requests.WriteAsync(await Functions.Get(Requests.Create("GET", "/api/runs/run-app-1"), "run-app-1", DurableClients.Create(instance).Object));

        Assert.Equal(200, answer.Status);
        Assert.Equal("Failed", answer.Body.GetProperty("runtimeStatus").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.Body.GetProperty("output").ValueKind);
        Assert.StartsWith("the build of v2 did not finish", answer.Body.GetProperty("failure").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_of_an_unknown_run_answers_404_problem()
    {
        var answer = await Requests.WriteAsync(await Functions.Get(Requests.Create("GET", "/api/runs/nope"), "nope", DurableClients.Create().Object));

        Assert.Equal(404, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.RunNotFoundType, answer.Body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_unexpected_failure_answers_500_problem_without_its_details()
    {
        var durable = DurableClients.Create();
        durable.Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("secret connection string AccountKey=abc"));

        var answer = await Requests.WriteAsync(await Functions.Get(Requests.Create("GET", "/api/runs/x"), "x", durable.Object));

        Assert.Equal(500, answer.Status);
        Assert.StartsWith("application/problem+json", answer.ContentType, StringComparison.Ordinal);
        Assert.Equal(Problems.UnexpectedType, answer.Body.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(answer.Body.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("AccountKey", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", answer.Text, StringComparison.Ordinal);
    }

    private static OrchestrationMetadata Instance(string id, string name, OrchestrationRuntimeStatus status, object? output, RunProgress progress, TaskFailureDetails? failure = null) =>
        new(name, id)
        {
            RuntimeStatus = status,
            CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-1),
            LastUpdatedAt = DateTimeOffset.UtcNow,
            SerializedOutput = output is null ? null : JsonDataConverter.Default.Serialize(output),
            SerializedCustomStatus = JsonDataConverter.Default.Serialize(progress),
            DataConverter = JsonDataConverter.Default,
            FailureDetails = failure,
        };

    /// <summary>The client the Functions host binds ([DurableClient]): the inner client wrapped with the host's base URL and key.</summary>
    private static DurableTaskClient FunctionsBoundClient(DurableTaskClient inner, string baseUrl, string queryString)
    {
        var type = typeof(DurableClientAttribute).Assembly.GetType("Microsoft.Azure.Functions.Worker.FunctionsDurableTaskClient", throwOnError: true)!;
        var constructor = type.GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Single();
        // (inner, queryString, httpBaseUrl, purgeClient): the purge client plays no part in building URLs.
        return (DurableTaskClient)constructor.Invoke([inner, queryString, baseUrl, null]);
    }
}
