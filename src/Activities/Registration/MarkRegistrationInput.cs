namespace ManagedImages.Registration;

/// <summary>Mark revision <paramref name="Revision"/> of a registration failed, with <paramref name="Reason"/>.</summary>
public sealed record MarkRegistrationInput(string Nickname, long Revision, string Reason);
