using ManagedImages.Oci;
using ManagedImages.Storage;
using Microsoft.Extensions.Options;

namespace ManagedImages.Bases;

/// <summary>Refuses a <see cref="BaseImageOptions"/> that cannot mean anything, naming the configuration key at fault.</summary>
public sealed class BaseImageOptionsValidator : IValidateOptions<BaseImageOptions>
{
    public ValidateOptionsResult Validate(string? name, BaseImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.CacheDuration < TimeSpan.Zero)
        {
            errors.Add($"{BaseImageOptions.Section}:{nameof(BaseImageOptions.CacheDuration)} is {options.CacheDuration}; give zero (no cache) or a positive duration, like 00:00:30");
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.Overrides.Count; i++)
        {
            var entry = options.Overrides[i];
            var key = $"{BaseImageOptions.Section}:{nameof(BaseImageOptions.Overrides)}:{i}";
            if (string.IsNullOrWhiteSpace(entry.Reference))
            {
                errors.Add($"{key}:{nameof(BaseImageOverride.Reference)} is missing; give the base tag the override is for, like 127.0.0.1:5000/team/base:1");
            }
            else if (!ImageReference.TryParse(entry.Reference, out var reference, out var error))
            {
                errors.Add($"{key}:{nameof(BaseImageOverride.Reference)} '{entry.Reference}' is not an image reference: {error}");
            }
            else if (reference.Digest is not null)
            {
                errors.Add($"{key}:{nameof(BaseImageOverride.Reference)} '{entry.Reference}' names a digest; an override is for a tag, like {reference.Name}:1");
            }
            else
            {
                var tag = BaseTagName.Of(reference.Registry, reference.Repository, reference.TagOrDefault);
                if (seen.TryGetValue(tag, out var first))
                    errors.Add($"{key}:{nameof(BaseImageOverride.Reference)} repeats {tag}, already overridden by {BaseImageOptions.Section}:{nameof(BaseImageOptions.Overrides)}:{first}; keep one");
                else
                    seen[tag] = i;
            }

            if (!Digest.TryParse(entry.Digest, out _))
            {
                errors.Add($"{key}:{nameof(BaseImageOverride.Digest)} '{entry.Digest}' is not a digest; give sha256: followed by 64 lowercase hex digits");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
