using System.Diagnostics;
using ManagedImages.Api.Access;
using ManagedImages.Registry;
using ManagedImages.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Api;

/// <summary>
/// Checks the caller (<see cref="ApiAccess"/>), runs a handler and turns the exceptions a user can act on into problems (409 for a concurrent change, 502 when the
/// registry refuses); anything else is logged in full and answered with a 500 that names only a trace id.
/// </summary>
internal static class ApiErrors
{
    public static async Task<IResult> HandleAsync(ILogger logger, HttpRequest request, Func<CancellationToken, Task<IResult>> handler)
    {
        var cancellationToken = request.HttpContext.RequestAborted;
        try
        {
            // Every route's access rule first, before anything is read: one check for both hosts (ApiAccessRules).
            if (ApiAccess.Check(request) is { } refused) return refused;
            return await handler(cancellationToken);
        }
        catch (ConcurrencyConflictException e)
        {
            return Problems.Conflict(e.Message + " (send the ETag you read in an If-Match header to update only what you read)");
        }
        catch (RegistryException e)
        {
            logger.LogWarning(e, "The registry refused {Method} {Path}", request.Method, request.Path);
            return Problems.RegistryFailed(e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // The last line of defence: no exception detail may reach the caller.
        catch (Exception e)
#pragma warning restore CA1031
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? request.HttpContext.TraceIdentifier;
            logger.LogError(e, "Unexpected failure handling {Method} {Path} (trace id {TraceId})", request.Method, request.Path, traceId);
            return Problems.Unexpected(traceId);
        }
    }
}
