using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace ManagedImages.Registry;

public static class RegistryServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RegistryClient"/> as a typed HTTP client with the registry auth handler and a retry of
    /// transient failures (429 with Retry-After, 5xx, connection errors, attempt timeouts). Options come from the
    /// section "Registry". Returns the client builder so callers can adjust the pipeline.
    /// </summary>
    public static IHttpClientBuilder AddRegistryClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRegistryCredentialSource, OptionsCredentialSource>();
        services.TryAddSingleton<RegistryAuthCache>();
        services.TryAddTransient<RegistryAuthHandler>();

        // Auth outside the retry: a resent request is authorised again, and token requests are retried too.
        var builder = services
            .AddHttpClient<RegistryClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<RegistryAuthHandler>();
        builder.AddResilienceHandler("registry", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<RegistryOptions>>().Value;
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(
                    options.MaxRetries > 0 &&
                    !RegistryRequestOptions.IsNotRetryable(args.Context.GetRequestMessage()) &&
                    HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }
}
