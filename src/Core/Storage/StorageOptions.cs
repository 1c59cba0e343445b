namespace ManagedImages.Storage;

/// <summary>Where registrations and versions are kept (section "Storage").</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string ConnectionStringVariable = "MANAGEDIMAGES_STORAGE";
    public const string DefaultTablePrefix = "managedimages";

    /// <summary>An Azure Storage connection string; MANAGEDIMAGES_STORAGE when empty.</summary>
    public string? ConnectionString { get; set; }

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
