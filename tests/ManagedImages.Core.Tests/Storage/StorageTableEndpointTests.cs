using ManagedImages.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.Storage;

/// <summary>Tables reached by identity at an endpoint (the Azure deployment, no account keys) or by connection string.</summary>
public class StorageTableEndpointTests
{
    [Fact]
    public void A_table_endpoint_wins_over_a_connection_string()
    {
        var options = new StorageOptions
        {
            ConnectionString = "UseDevelopmentStorage=true",
            TableEndpoint = new Uri("https://mimgstexample.table.core.windows.net/"),
        };

        var client = options.CreateTableClient("managedimagesimages");

        Assert.Equal("mimgstexample", client.AccountName);
        Assert.Equal(new Uri("https://mimgstexample.table.core.windows.net/managedimagesimages"), client.Uri);
    }

    [Fact]
    public void Without_an_endpoint_the_connection_string_is_used()
    {
        var client = new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" }.CreateTableClient("t1");

        Assert.Equal("devstoreaccount1", client.AccountName);
    }

    [Fact]
    public void A_plain_http_endpoint_is_refused_naming_the_setting()
    {
        var options = new StorageOptions { TableEndpoint = new Uri("http://mimgstexample.table.core.windows.net/") };

        var error = Assert.Throws<InvalidOperationException>(() => options.CreateTableClient("t1"));

        Assert.Contains("Storage:TableEndpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_endpoint_is_read_from_the_Storage_TableEndpoint_setting()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:TableEndpoint"] = "https://mimgstexample.table.core.windows.net/" })
            .Build();
        using var services = new ServiceCollection().AddImageStore(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;

        Assert.Equal(new Uri("https://mimgstexample.table.core.windows.net/"), options.TableEndpoint);
    }

    [Fact]
    public void An_empty_setting_means_no_endpoint_so_the_local_example_keeps_its_connection_string()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:TableEndpoint"] = "" })
            .Build();
        using var services = new ServiceCollection().AddImageStore(configuration).BuildServiceProvider();

        Assert.Null(services.GetRequiredService<IOptions<StorageOptions>>().Value.TableEndpoint);
    }
}
