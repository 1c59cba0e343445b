using Azure.Core;
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
    /// transient failures (429 with Retry-After, 5xx, connection errors, attempt timeouts), the access rules of
    /// <see cref="RegistryAccessPolicy"/> and Entra ID for ACR hosts (<see cref="AcrOptions"/>). Options come from the
    /// section "Registry". Returns the client builder so callers can adjust the pipeline.
    /// </summary>
    public static IHttpClientBuilder AddRegistryClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RegistryOptions>().Bind(configuration.GetSection(RegistryOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OptionsCredentialSource>();
        services.TryAddSingleton<IRegistryCredentialSource, AcrCredentialSource>();
        // Created on first use by an ACR host; a host or test may register its own under the key first.
        services.TryAddKeyedSingleton<TokenCredential>(AcrCredentialSource.TokenCredentialKey, (sp, _) =>
            AcrCredentialSource.CreateIdentity(sp.GetRequiredService<IOptions<RegistryOptions>>().Value.Acr));
        services.AddHttpClient(AcrCredentialSource.HttpClientName).AddStandardResilienceHandler();
        services.TryAddSingleton<RegistryAuthCache>();
        services.TryAddSingleton<RegistryAccessPolicy>();
        services.TryAddTransient<RegistryAccessHandler>();
        services.TryAddTransient<RegistryAuthHandler>();

        // Access rules first (nothing refused is sent), then auth outside the retry: a resent request is authorised
        // again, and token requests are retried too.
        var builder = services
            .AddHttpClient<RegistryClient>(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<RegistryAccessHandler>()
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
