using System.Net;

namespace ManagedImages.Builders.AcrTasks;

/// <summary>Azure Resource Manager refused a request: what was attempted, the status, and ARM's error code and message.</summary>
public sealed class ArmRequestException : Exception
{
    public ArmRequestException() { }

    public ArmRequestException(string message) : base(message) { }

    public ArmRequestException(string message, Exception innerException) : base(message, innerException) { }

    public ArmRequestException(string operation, HttpStatusCode status, string? code, string? armMessage)
        : base($"{operation} failed: ARM answered {(int)status} {status}" +
               (code is null && armMessage is null ? "" : $" ({code}: {armMessage})") + Hint(status))
    {
        Status = status;
        Code = code;
    }

    public HttpStatusCode? Status { get; }

    /// <summary>ARM's error code, e.g. <c>AuthorizationFailed</c>, <c>ResourceNotFound</c>.</summary>
    public string? Code { get; }

    private static string Hint(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
            "; the service's identity needs a role that may schedule runs on the registry (Contributor on it, or a custom role with Microsoft.ContainerRegistry/registries/scheduleRun/action, listBuildSourceUploadUrl/action and runs/*)",
        HttpStatusCode.NotFound =>
            $"; check {AcrTasksOptions.Section}:SubscriptionId, ResourceGroup and RegistryName",
        _ => "",
    };
}
