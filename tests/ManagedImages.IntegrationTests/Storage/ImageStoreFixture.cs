using Azure.Data.Tables;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.Extensions.Options;

namespace ManagedImages.IntegrationTests.Storage;

/// <summary>An <see cref="ImageStore"/> on the shared Azurite with a table of its own, deleted at the end.</summary>
public sealed class ImageStoreFixture : IAsyncLifetime
{
    private string connectionString = "";

    public ImageStore Store { get; private set; } = null!;

    public string TablePrefix { get; } = UniqueNames.Compact("t");

    public ImageStore NewStore() =>
        new(Options.Create(new StorageOptions { ConnectionString = connectionString, TablePrefix = TablePrefix }));

    public async Task InitializeAsync()
    {
        connectionString = await LocalStack.RequireAzuriteAsync();
        Store = NewStore();
    }

    public async Task DisposeAsync()
    {
        if (Store is null) return;
        await new TableServiceClient(connectionString).DeleteTableAsync(Store.TableName);
        await new TableServiceClient(connectionString).DeleteTableAsync(Store.RunsByBaseTableName);
    }

    /// <summary>A nickname no other test uses.</summary>
    public static string NewNickname(string prefix) => UniqueNames.Of(prefix);
}
