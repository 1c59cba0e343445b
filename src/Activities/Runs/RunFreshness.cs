namespace ManagedImages.Runs;

/// <summary>A run's freshness policy; <see cref="MaxAge"/> is set only for <see cref="FreshnessMode.MaxAge"/>.</summary>
public sealed record RunFreshness(FreshnessMode Mode, TimeSpan? MaxAge = null)
{
    public static RunFreshness Strict { get; } = new(FreshnessMode.Strict);

    public static RunFreshness AllowStale { get; } = new(FreshnessMode.AllowStale);

    public static RunFreshness Within(TimeSpan maxAge) => new(FreshnessMode.MaxAge, maxAge);
}
