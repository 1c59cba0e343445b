using Azure.Data.Tables;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Functions.Tests.Support;

/// <summary>
/// The services exactly as the Functions app composes them (AddManagedImagesFunctions), on Azurite with a table
/// prefix of its own and the local registry; its tables are deleted at the end.
/// </summary>
public sealed class FunctionsHostFixture : IAsyncLifetime
{
    public FunctionsHostFixture()
    {
        TablePrefix = UniqueNames.Compact("fnhost");
        var configuration = LocalStack.Configuration(new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = TablePrefix,
            ["CustomImages:RepositoryPrefix"] = "fntest-managed",
        });
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddManagedImagesFunctions(configuration);
        Services = services.BuildServiceProvider();
    }

    public string TablePrefix { get; }

    public ServiceProvider Services { get; }

    public ImageStore Store => Services.GetRequiredService<ImageStore>();

    /// <summary>Fails every test of the class with how to start the stack when it is not there.</summary>
    public async Task InitializeAsync()
    {
        await LocalStack.RequireAzuriteAsync();
        await LocalStack.RequireRegistryAsync();
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        var tables = new TableServiceClient(LocalStack.Storage);
        foreach (var suffix in new[] { "images", "runsbybase", "builds", "recordings" })
            await tables.DeleteTableAsync(TablePrefix + suffix);
    }
}
