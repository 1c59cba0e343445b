namespace ManagedImages.Local.Cli.Api;

/// <summary>An RFC 9457 problem body as the API writes it, with the fields at fault.</summary>
public sealed record Problem(string? Type, string? Title, int? Status, string? Detail, IReadOnlyList<FieldError>? Errors);

public sealed record FieldError(string Field, string Message);
