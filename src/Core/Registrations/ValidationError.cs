namespace ManagedImages.Registrations;

/// <summary>One problem with a registration: the field as a JSON path (like <c>files[2].path</c>) and what to do about it.</summary>
public sealed record ValidationError(string Field, string Message);
