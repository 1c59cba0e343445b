namespace ManagedImages.Webhooks;

/// <summary>What a push event did and why, for the webhook's answer and the log.</summary>
public sealed record AcrPushResult(AcrPushOutcome Outcome, string Detail);
