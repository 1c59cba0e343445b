using System.Globalization;
using ManagedImages.Storage;

namespace ManagedImages.Api;

/// <summary>Orchestration instance ids the API gives out.</summary>
public static class RunIds
{
    /// <summary>
    /// Deterministic per registration attempt: the nickname, the revision and when the registration became Pending. A
    /// retried PUT finds the run it already started; a registration deleted and made again, or a failed one saved
    /// again, gets a new run.
    /// </summary>
    public static string ForRegistration(StoredRegistration stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return string.Create(CultureInfo.InvariantCulture,
            $"register-{stored.Nickname}-r{stored.Revision}-{stored.UpdatedAt.ToUnixTimeMilliseconds():x}");
    }

    /// <summary>A fresh id per run request; the nickname in it helps reading logs.</summary>
    public static string NewRun(string nickname) => $"run-{nickname}-{Guid.NewGuid():N}";

    public static string StatusPath(string id) => $"/api/runs/{Uri.EscapeDataString(id)}";

    /// <summary>The absolute status URL as the caller reached the API (scheme, host and path base of the request).</summary>
    public static string StatusUrl(Microsoft.AspNetCore.Http.HttpRequest request, string id)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}{StatusPath(id)}";
    }
}
