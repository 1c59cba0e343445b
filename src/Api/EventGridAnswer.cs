namespace ManagedImages.Api;

/// <summary>
/// What a batch of Event Grid events did: how many came, how many upgrades their pushes started in all, how many were
/// of no concern here (other event types), and each ImagePushed event's answer in order.
/// </summary>
public sealed record EventGridAnswer(int Events, int UpgradesStarted, int Skipped, IReadOnlyList<AcrWebhookAnswer> Pushes);
