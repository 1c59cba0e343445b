namespace ManagedImages.Registration;

/// <summary>The input of a RegisterImage orchestration: build version 1 of this nickname at this registration revision.</summary>
public sealed record RegisterImageInput(string Nickname, long Revision);
