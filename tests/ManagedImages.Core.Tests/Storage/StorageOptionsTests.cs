using ManagedImages.Storage;

namespace ManagedImages.Core.Tests.Storage;

public class StorageOptionsTests
{
    [Fact]
    public void The_configured_connection_string_wins_over_the_environment()
    {
        var options = new StorageOptions { ConnectionString = "UseDevelopmentStorage=true" };
        Assert.Equal("UseDevelopmentStorage=true", options.ResolveConnectionString());
    }

    [Theory]
    [InlineData("managedimages")]
    [InlineData("t0123abcd")]
    public void Prefixes_of_letters_and_digits_are_accepted(string prefix)
    {
        Assert.Equal(prefix, new StorageOptions { TablePrefix = prefix }.ResolveTablePrefix());
    }

    [Fact]
    public void An_empty_prefix_means_the_default()
    {
        Assert.Equal("managedimages", new StorageOptions { TablePrefix = "" }.ResolveTablePrefix());
    }

    [Theory]
    [InlineData("managed-images")]
    [InlineData("1abc")]
    [InlineData("with_underscore")]
    public void Prefixes_that_cannot_start_a_table_name_are_refused_with_what_is_accepted(string prefix)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new StorageOptions { TablePrefix = prefix }.ResolveTablePrefix());
        Assert.Contains("Storage:TablePrefix", error.Message, StringComparison.Ordinal);
        Assert.Contains("letters and digits", error.Message, StringComparison.Ordinal);
    }
}
