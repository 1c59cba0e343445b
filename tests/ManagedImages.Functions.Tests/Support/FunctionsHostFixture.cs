using Azure.Data.Tables;
using ManagedImages.Storage;
using Microsoft.Extensions.Configuration;
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
        TablePrefix = "fnhost" + Guid.NewGuid().ToString("N")[..10];
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = Stack.Storage,
                ["Storage:TablePrefix"] = TablePrefix,
                ["CustomImages:Registry"] = Stack.Registry,
                ["CustomImages:RepositoryPrefix"] = "fntest-managed",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddManagedImagesFunctions(configuration);
        Services = services.BuildServiceProvider();
    }

    public string TablePrefix { get; }

    public ServiceProvider Services { get; }

    public ImageStore Store => Services.GetRequiredService<ImageStore>();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        var tables = new TableServiceClient(Stack.Storage);
        foreach (var suffix in new[] { "images", "builds", "recordings" })
            await tables.DeleteTableAsync(TablePrefix + suffix);
    }
}
