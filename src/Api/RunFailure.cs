namespace ManagedImages.Api;

/// <summary>Why a run failed, as the orchestration reported it (no stack trace).</summary>
public sealed record RunFailure(string Message, string? Type);
