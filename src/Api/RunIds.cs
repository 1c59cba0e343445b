using System.Globalization;

namespace ManagedImages.Api;

/// <summary>Orchestration instance ids the API gives out.</summary>
public static class RunIds
{
    /// <summary>
    /// Deterministic per nickname and revision, so a retried PUT finds the registration run it already started instead
    /// of starting a second one.
    /// </summary>
    public static string ForRegistration(string nickname, long revision) =>
        string.Create(CultureInfo.InvariantCulture, $"register-{nickname}-r{revision}");

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
