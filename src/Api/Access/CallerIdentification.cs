namespace ManagedImages.Api.Access;

/// <summary>
/// What an <see cref="ICallerAuthenticator"/> made of a request's credentials: the caller, or why there is none
/// (<see cref="Refusal"/> says what to send, without repeating anything the request sent).
/// </summary>
public sealed record CallerIdentification(Caller? Caller, string? Refusal)
{
    public static CallerIdentification Known(Caller caller) => new(caller, null);

    public static CallerIdentification Unknown(string refusal) => new(null, refusal);
}
