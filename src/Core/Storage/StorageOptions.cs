using Azure.Data.Tables;
using Azure.Identity;

namespace ManagedImages.Storage;

/// <summary>Where registrations and versions are kept (section "Storage").</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string ConnectionStringVariable = "MANAGEDIMAGES_STORAGE";
    public const string DefaultTablePrefix = "managedimages";

    /// <summary>An Azure Storage connection string; MANAGEDIMAGES_STORAGE when empty.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The account's table endpoint (<c>https://&lt;account&gt;.table.core.windows.net/</c>), reached with an Entra ID
    /// identity (<see cref="DefaultAzureCredential"/>: the managed identity in Azure) instead of a connection string.
    /// Wins over <see cref="ConnectionString"/>; the deployment in infra/bicep sets it and turns account keys off.
    /// </summary>
    public Uri? TableEndpoint { get; set; }

    /// <summary>Prepended to every table name (letters and digits), so several deployments or tests share an account.</summary>
    public string TablePrefix { get; set; } = DefaultTablePrefix;

    /// <summary>The connection string to use, after the environment fallback; throws a clear error when there is none.</summary>
    public string ResolveConnectionString()
    {
        var value = string.IsNullOrWhiteSpace(ConnectionString)
            ? Environment.GetEnvironmentVariable(ConnectionStringVariable)
            : ConnectionString;
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException(
                $"No storage account is configured: set {Section}:ConnectionString or {ConnectionStringVariable} (scripts/stack env prints it)")
            : value;
    }

    /// <summary>A client of one table: by identity at <see cref="TableEndpoint"/> when set, else by connection string.</summary>
    public TableClient CreateTableClient(string tableName)
    {
        if (TableEndpoint is null) return new TableClient(ResolveConnectionString(), tableName);
        if (!TableEndpoint.IsAbsoluteUri || TableEndpoint.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException(
                $"{Section}:TableEndpoint '{TableEndpoint}' must be an https URL like https://<account>.table.core.windows.net/ (an identity's token is only sent over https)");
        }
        return new TableClient(TableEndpoint, tableName, SharedCredential.Value);
    }

    // One credential per process: it caches its tokens.
    private static readonly Lazy<DefaultAzureCredential> SharedCredential = new(() => new DefaultAzureCredential());

    /// <summary>The table prefix, checked: Table Storage names are letters and digits, starting with a letter.</summary>
    public string ResolveTablePrefix()
    {
        var prefix = string.IsNullOrEmpty(TablePrefix) ? DefaultTablePrefix : TablePrefix;
        if (!char.IsAsciiLetter(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit) || prefix.Length > 50)
        {
            throw new InvalidOperationException(
                $"{Section}:TablePrefix '{prefix}' is not usable in a table name; use up to 50 letters and digits, starting with a letter");
        }
        return prefix;
    }
}
