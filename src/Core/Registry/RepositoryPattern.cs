namespace ManagedImages.Registry;

/// <summary>
/// One entry of <see cref="RegistryOptions.AllowedBaseRepositories"/>: <c>host/repository</c> names one repository,
/// <c>host/prefix/*</c> every repository under the prefix, <c>host/*</c> every repository of the host.
/// </summary>
public sealed record RepositoryPattern(string Registry, string Repository, bool IsPrefix)
{
    public const string Accepted = "host/repository (like docker.io/library/busybox) or host/prefix/* (like myacr.azurecr.io/bases/*)";

    public static bool TryParse(string? text, out RepositoryPattern pattern, out string error)
    {
        pattern = null!;
        error = "";
        var slash = text?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (string.IsNullOrWhiteSpace(text) || slash <= 0 || slash == text.Length - 1 || text.Any(char.IsWhiteSpace))
        {
            error = $"'{text}' is not a repository pattern; use {Accepted}";
            return false;
        }
        var registry = text[..slash];
        var repository = text[(slash + 1)..];
        var isPrefix = repository == "*" || repository.EndsWith("/*", StringComparison.Ordinal);
        if (isPrefix) repository = repository == "*" ? "" : repository[..^2];
        if (repository.Contains('*', StringComparison.Ordinal) || repository.Contains(':', StringComparison.Ordinal) ||
            repository.Contains('@', StringComparison.Ordinal) || repository.StartsWith('/') || repository.EndsWith('/'))
        {
            error = $"'{text}' is not a repository pattern (no tag or digest; '*' only as the last segment); use {Accepted}";
            return false;
        }
        pattern = new RepositoryPattern(registry, repository, isPrefix);
        return true;
    }

    public bool Matches(string registry, string repository)
    {
        if (!string.Equals(registry, Registry, StringComparison.OrdinalIgnoreCase)) return false;
        if (!IsPrefix) return string.Equals(repository, Repository, StringComparison.Ordinal);
        return Repository.Length == 0 || repository.StartsWith(Repository + "/", StringComparison.Ordinal);
    }

    public override string ToString() => IsPrefix ? $"{Registry}/{(Repository.Length == 0 ? "" : Repository + "/")}*" : $"{Registry}/{Repository}";
}
