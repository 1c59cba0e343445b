using ManagedImages.Builds;
using ManagedImages.Oci;
using Microsoft.Extensions.Options;

namespace ManagedImages.Registry;

/// <summary>
/// Which repositories the service may touch, in one place. With <see cref="RegistryOptions.AllowedBaseRepositories"/>
/// set, registrations may name only those bases, the service reads only those and the custom images, and writes only
/// the custom images (<c>CustomImages:Registry</c>/<c>CustomImages:RepositoryPrefix</c>/...). Empty: no restriction.
/// </summary>
public sealed class RegistryAccessPolicy
{
    private readonly List<RepositoryPattern> bases;
    private readonly RepositoryPattern customImages;

    public RegistryAccessPolicy(IOptions<RegistryOptions> registry, IOptions<CustomImageOptions> images)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(images);
        var patterns = new List<RepositoryPattern>();
        var configured = registry.Value.AllowedBaseRepositories;
        for (var i = 0; i < configured.Count; i++)
        {
            if (!RepositoryPattern.TryParse(configured[i], out var pattern, out var error))
                throw new OptionsValidationException(RegistryOptions.SectionName, typeof(RegistryOptions),
                    [$"{RegistryOptions.SectionName}:{nameof(RegistryOptions.AllowedBaseRepositories)}:{i}: {error}"]);
            patterns.Add(pattern);
        }
        bases = patterns;
        customImages = new RepositoryPattern(images.Value.Registry, images.Value.RepositoryPrefix.Trim('/'), IsPrefix: true);
    }

    /// <summary>False when no allow-list is configured (the one-machine default): anything goes.</summary>
    public bool IsRestricted => bases.Count > 0;

    /// <summary>The allowed bases as configured, for messages.</summary>
    public string AcceptedBases => string.Join(", ", bases);

    /// <summary>Why a registration may not use <paramref name="reference"/> as its base, or null when it may.</summary>
    public string? BaseProblem(ImageReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (!IsRestricted || bases.Any(b => b.Matches(reference.Registry, reference.Repository))) return null;
        return $"{reference.Name} is not an allowed base repository; accepted: {AcceptedBases} " +
               $"({RegistryOptions.SectionName}:{nameof(RegistryOptions.AllowedBaseRepositories)})";
    }

    public bool MayRead(string registry, string repository) =>
        !IsRestricted || customImages.Matches(registry, repository) || bases.Any(b => b.Matches(registry, repository));

    public bool MayWrite(string registry, string repository) => !IsRestricted || customImages.Matches(registry, repository);

    /// <summary>Throws <see cref="RegistryAccessDeniedException"/> unless every token scope of a request is allowed.</summary>
    internal void Check(string registry, IReadOnlyList<string> scopes, string operation)
    {
        if (!IsRestricted) return;
        if (scopes.Count == 0)
            throw new RegistryAccessDeniedException($"{operation} is refused: the request names no repository, and registry access is restricted ({RegistryOptions.SectionName}:{nameof(RegistryOptions.AllowedBaseRepositories)}).");
        foreach (var scope in scopes)
        {
            // repository:<name>:<actions>; names hold no ':'.
            var parts = scope.Split(':');
            if (parts is not ["repository", var repository, var actions])
                throw new RegistryAccessDeniedException($"{operation} is refused: scope '{scope}' is not a repository scope.");
            var writes = actions.Split(',').Any(a => a is not "pull");
            if (writes && !MayWrite(registry, repository))
                throw new RegistryAccessDeniedException(
                    $"{operation} is refused: the service writes only to the custom-image repositories {customImages} " +
                    $"({CustomImageOptions.Section}:{nameof(CustomImageOptions.Registry)} and :{nameof(CustomImageOptions.RepositoryPrefix)}), not to {registry}/{repository}.");
            if (!MayRead(registry, repository))
                throw new RegistryAccessDeniedException(
                    $"{operation} is refused: {registry}/{repository} is neither an allowed base repository ({AcceptedBases}; " +
                    $"{RegistryOptions.SectionName}:{nameof(RegistryOptions.AllowedBaseRepositories)}) nor a custom image ({customImages}).");
        }
    }
}
