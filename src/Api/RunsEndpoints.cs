using System.Text.Json;
using ManagedImages.Builds;
using ManagedImages.Registration;
using ManagedImages.Runs;
using ManagedImages.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Api;

/// <summary>/api/images/{nickname}/runs starts a run; /api/runs/{id} reports any run or registration run.</summary>
// The clock and build store are optional so that a host composing only the stores (a test host) still serves every route.
public sealed class RunsEndpoints(ImageStore store, ILogger<RunsEndpoints> logger, TimeProvider? time = null, BuildStore? builds = null)
{
    /// <summary>
    /// POST /api/images/{nickname}/runs: starts a RunImage orchestration with a new id and answers 202 with its id and
    /// status URL (also in Location). <paramref name="addHostLinks"/> lets a host add its own status links to the body.
    /// </summary>
    public Task<IResult> StartAsync(
        string nickname, HttpRequest request, DurableTaskClient durable, Func<RunAccepted, RunAccepted>? addHostLinks = null) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            ArgumentNullException.ThrowIfNull(durable);
            if (ImagesEndpoints.NicknameProblem(nickname) is { } invalid) return invalid;
            var body = await RequestBody.ReadAsync<RunRequest>(request, required: false, cancellationToken);
            if (body.Problem is not null) return body.Problem;
            var run = body.Value ?? new RunRequest();
            var errors = RunRequestValidator.Validate(run);
            if (errors.Count > 0) return Problems.Invalid(errors);

            if (await store.GetAsync(nickname, cancellationToken) is not { } stored) return Problems.ImageNotFound(nickname);
            // A base push warms only the images run lately (BasePushHandler); registrations do not count as runs.
            await store.RecordRunAsync(nickname, stored.Registration.Base, (time ?? TimeProvider.System).GetUtcNow(), cancellationToken);

            var id = RunIds.NewRun(nickname);
            await durable.ScheduleNewOrchestrationInstanceAsync(
                nameof(RunImageOrchestrator),
                new RunImageInput(nickname, run.Args, run.Env) { Freshness = RunRequestValidator.Freshness(run), Resources = run.Resources },
                new StartOrchestrationOptions { InstanceId = id },
                cancellationToken);

            var accepted = new RunAccepted(id, RunIds.StatusUrl(request, id));
            if (addHostLinks is not null) accepted = addHostLinks(accepted);
            return new ApiResponse(StatusCodes.Status202Accepted, accepted).WithHeader("Location", accepted.StatusUrl);
        });

    /// <summary>
    /// GET /api/runs/{id}: the runtime status, stage, output and failure of a run or registration run, and while it waits
    /// for a build, that build and the other runs waiting for it.
    /// </summary>
    public Task<IResult> GetAsync(string id, HttpRequest request, DurableTaskClient durable) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            ArgumentNullException.ThrowIfNull(durable);
            if (string.IsNullOrWhiteSpace(id)) return Problems.RunNotFound(id ?? "");
            var instance = await durable.GetInstanceAsync(id, getInputsAndOutputs: true, cancellationToken);
            if (instance is null) return Problems.RunNotFound(id);
            return new ApiResponse(StatusCodes.Status200OK, View(instance) with { WaitingFor = await WaitingForAsync(instance, cancellationToken) });
        });

    /// <summary>The build whose waiters list this instance, while it is still going; null for a finished instance or one that waits for none.</summary>
    private async Task<WaitingForView?> WaitingForAsync(OrchestrationMetadata instance, CancellationToken cancellationToken)
    {
        if (builds is null || !instance.IsRunning || NicknameOf(instance) is not { } nickname) return null;
        foreach (var build in await builds.FindBuildingAsync(nickname, cancellationToken))
        {
            if (!build.Waiters.Contains(instance.InstanceId, StringComparer.Ordinal)) continue;
            var others = build.Waiters.Where(w => !string.Equals(w, instance.InstanceId, StringComparison.Ordinal)).ToList();
            return new WaitingForView(nickname, build.Version, build.Key.Revision, build.Key.BaseDigest, build.StartedAt, others);
        }
        return null;
    }

    private static string? NicknameOf(OrchestrationMetadata instance)
    {
        try
        {
            var nickname = instance.Name switch
            {
                nameof(RunImageOrchestrator) => instance.ReadInputAs<RunImageInput>()?.Nickname,
                nameof(RegisterImageOrchestrator) => instance.ReadInputAs<RegisterImageInput>()?.Nickname,
                _ => null,
            };
            return string.IsNullOrEmpty(nickname) ? null : nickname;
        }
        catch (JsonException)
        {
            return null; // an input of another shape: not a run this API started
        }
    }

    internal static RunStatusView View(OrchestrationMetadata instance)
    {
        var failure = instance.FailureDetails is { } details ? new RunFailure(details.ErrorMessage, details.ErrorType) : null;
        return new RunStatusView(
            instance.InstanceId,
            instance.Name,
            instance.RuntimeStatus.ToString(),
            Read(instance.SerializedCustomStatus, instance.ReadCustomStatusAs<RunProgress>),
            // A failed instance's stored output is its failure text, not JSON: only a completed run has an output.
            Read(instance.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? instance.SerializedOutput : null, () => Output(instance)),
            failure,
            instance.CreatedAt,
            instance.LastUpdatedAt);
    }

    // Read through the orchestration's own data converter, so the API's casing applies whatever the host's converter writes.
    private static object? Output(OrchestrationMetadata instance) => instance.Name switch
    {
        nameof(RunImageOrchestrator) => instance.ReadOutputAs<RunOutput>(),
        nameof(RegisterImageOrchestrator) => instance.ReadOutputAs<RegisterOutput>(),
        _ => JsonSerializer.Deserialize<JsonElement>(instance.SerializedOutput!),
    };

    private static object? Read(string? serialized, Func<object?> typed)
    {
        if (string.IsNullOrEmpty(serialized)) return null;
        try
        {
            return typed();
        }
        catch (JsonException)
        {
            // Not the shape this API knows (an older or foreign orchestration): show it as it was written.
            return TryParse(serialized);
        }
    }

    private static object TryParse(string serialized)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(serialized);
        }
        catch (JsonException)
        {
            return serialized;
        }
    }
}
