namespace ManagedImages.Api;

/// <summary>The answer of GET /api/images: an object, so fields can be added (paging) without breaking clients.</summary>
public sealed record ImageList(IReadOnlyList<ImageSummary> Images);
