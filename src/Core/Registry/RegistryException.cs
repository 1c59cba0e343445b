using System.Net;

namespace ManagedImages.Registry;

/// <summary>A registry answered with an error: which operation on which reference, the HTTP status and the
/// registry's own error code and message (from its <c>{"errors":[{"code","message"}]}</c> body).</summary>
public class RegistryException : Exception
{
    public RegistryException() { }

    public RegistryException(string message) : base(message) { }

    public RegistryException(string message, Exception innerException) : base(message, innerException) { }

    public RegistryException(string operation, HttpStatusCode status, string? code, string? registryMessage)
        : base(Describe(operation, status, code, registryMessage))
    {
        Operation = operation;
        Status = status;
        Code = code;
        RegistryMessage = registryMessage;
    }

    /// <summary>What was attempted, e.g. <c>PUT manifest 127.0.0.1:5000/app:1</c>.</summary>
    public string? Operation { get; }

    public HttpStatusCode? Status { get; }

    /// <summary>The registry's error code, e.g. <c>MANIFEST_INVALID</c>, <c>NAME_UNKNOWN</c>, <c>DENIED</c>.</summary>
    public string? Code { get; }

    public string? RegistryMessage { get; }

    private static string Describe(string operation, HttpStatusCode status, string? code, string? registryMessage)
    {
        var text = $"{operation} failed: {(int)status} {status}";
        if (code is not null) text += $" {code}";
        if (!string.IsNullOrWhiteSpace(registryMessage)) text += $": {registryMessage}";
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            text += ". Check the credentials for this registry (Registry:Credentials) and their rights on the repository.";
        return text;
    }
}
