using ManagedImages.Builds;
using Azure.Data.Tables;
using ManagedImages.Api;
using ManagedImages.Registry;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Functions.Tests.Support;

/// <summary>
/// The real parts behind the HTTP functions: an ImageStore on Azurite with a table prefix of its own (deleted at the
/// end) and the registry client on the local registry, in a service provider like the Functions host builds.
/// </summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public ApiFixture()
    {
        TablePrefix = UniqueNames.Compact("fntest");
        var configuration = LocalStack.Configuration(new Dictionary<string, string?> { ["Storage:TablePrefix"] = TablePrefix });
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddImageStore(configuration);
        services.AddRegistryClient(configuration);
        services.AddSingleton<BuildRecordingStore>();
        services.AddManagedImagesApi();
        Services = services.BuildServiceProvider();
    }

    public string TablePrefix { get; }

    public ServiceProvider Services { get; }

    public ImageStore Store => Services.GetRequiredService<ImageStore>();

    public RegistryClient Registry => Services.GetRequiredService<RegistryClient>();

    public ImagesEndpoints Images => Services.CreateScope().ServiceProvider.GetRequiredService<ImagesEndpoints>();

    public RunsEndpoints Runs => Services.CreateScope().ServiceProvider.GetRequiredService<RunsEndpoints>();

    /// <summary>Fails every test of the class with how to start the stack when it is not there.</summary>
    public async Task InitializeAsync()
    {
        await LocalStack.RequireAzuriteAsync();
        await LocalStack.RequireRegistryAsync();
    }

    public async Task DisposeAsync()
    {
        // Only the table this fixture's store created.
        await new TableServiceClient(LocalStack.Storage).DeleteTableAsync(Store.TableName);
        await new TableServiceClient(LocalStack.Storage).DeleteTableAsync(Store.RunsByBaseTableName);
        await new TableServiceClient(LocalStack.Storage).DeleteTableAsync(Services.GetRequiredService<BuildRecordingStore>().TableName);
        await Services.DisposeAsync();
    }
}
