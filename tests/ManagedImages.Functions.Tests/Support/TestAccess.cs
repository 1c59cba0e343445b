using ManagedImages.Api.Access;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Functions.Tests.Support;

/// <summary>
/// The caller checks as the Functions app composes them (AddAppServiceAccess), with App Service authentication on and
/// webhook secrets set: the request services every test request gets unless it brings its own.
/// </summary>
internal static class TestAccess
{
    public const string AcrSecret = "acr-webhook-secret-for-tests-1";
    public const string EventGridSecret = "eventgrid-webhook-secret-for-tests-2";

    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["WEBSITE_AUTH_ENABLED"] = "True",
        ["Webhooks:AcrSecret"] = AcrSecret,
        ["Webhooks:EventGridSecret"] = EventGridSecret,
    };

    public static IServiceProvider Services { get; } = Create();

    /// <summary>The access services over <see cref="Settings"/> plus <paramref name="overrides"/> (a null value removes a setting).</summary>
    public static ServiceProvider Create(IReadOnlyDictionary<string, string?>? overrides = null, ILoggerProvider? logs = null)
    {
        var settings = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null) settings.Remove(key);
            else settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(logs is null ? LogLevel.Warning : LogLevel.Trace);
            if (logs is not null) logging.AddProvider(logs);
        });
        services.AddAppServiceAccess(configuration);
        return services.BuildServiceProvider();
    }

    public static ApiAccess Access(IServiceProvider services) => services.GetRequiredService<ApiAccess>();
}
