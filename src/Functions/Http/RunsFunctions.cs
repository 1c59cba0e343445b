using ManagedImages.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Functions.Http;

/// <summary>Starting a run and reading any run's status, through the shared <see cref="RunsEndpoints"/>.</summary>
public sealed class RunsFunctions(RunsEndpoints runs)
{
    [Function("StartRun")]
    public Task<IResult> Start(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "images/{nickname}/runs")] HttpRequest request,
        string nickname,
        [DurableClient] DurableTaskClient durable) =>
        runs.StartAsync(nickname, request, durable, accepted => WithDurableLinks(durable, accepted));

    [Function("GetRun")]
    public Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "runs/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient durable) =>
        runs.GetAsync(id, request, durable);

    /// <summary>
    /// Adds the Durable Functions management URLs (what CreateCheckStatusResponse puts in its body) to our answer. They
    /// come from the base URL and system key the host passes with the client binding, so they are right behind a
    /// proxy too; Location stays our own status URL, the same on both hosts.
    /// </summary>
    internal static RunAccepted WithDurableLinks(DurableTaskClient durable, RunAccepted accepted)
    {
        object payload;
        try
        {
            payload = durable.CreateHttpManagementPayload(accepted.Id);
        }
        catch (InvalidOperationException)
        {
            // A client that did not come from a Functions binding has no base URL: our status URL is all there is.
            return accepted;
        }

        return payload is HttpManagementPayload urls
            ? accepted with
            {
                StatusQueryGetUri = urls.StatusQueryGetUri,
                SendEventPostUri = urls.SendEventPostUri,
                TerminatePostUri = urls.TerminatePostUri,
                PurgeHistoryDeleteUri = urls.PurgeHistoryDeleteUri,
            }
            : accepted;
    }
}
