namespace ManagedImages.Benchmarks.Runs;

/// <summary>The engine's Created timestamps in UTC, whatever kind the client parsed them into.</summary>
internal static class CreatedTime
{
    public static DateTime Utc(DateTime created) => created.Kind switch
    {
        DateTimeKind.Local => created.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(created, DateTimeKind.Utc),
        _ => created,
    };
}
