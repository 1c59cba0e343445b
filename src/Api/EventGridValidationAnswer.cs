namespace ManagedImages.Api;

/// <summary>The answer Event Grid expects to a subscription validation event: its code, echoed back.</summary>
public sealed record EventGridValidationAnswer(string ValidationResponse);
