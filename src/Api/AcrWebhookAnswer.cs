using ManagedImages.Upgrades;
using ManagedImages.Webhooks;

namespace ManagedImages.Api;

/// <summary>
/// What one registry push did: its effect on builds (<see cref="Outcome"/>, <see cref="Detail"/>), and when it was no
/// build's push but moved a tag, what it did as a base push (<see cref="BasePush"/>, null otherwise).
/// </summary>
public sealed record AcrWebhookAnswer(AcrPushOutcome Outcome, string Detail, BasePushResult? BasePush);
