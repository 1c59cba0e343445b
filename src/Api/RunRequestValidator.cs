using System.Text.RegularExpressions;
using ManagedImages.Registrations;

namespace ManagedImages.Api;

/// <summary>Checks a run request's args and env with the same rules a registration's env and cmd follow.</summary>
public static partial class RunRequestValidator
{
    public static IReadOnlyList<ValidationError> Validate(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ValidationError>();
        if (request.Args is null) errors.Add(new("args", "give the arguments as an array of strings, like [\"--verbose\"], or leave args out"));
        else
        {
            for (var i = 0; i < request.Args.Count; i++)
            {
                if (request.Args[i] is null) errors.Add(new($"args[{i}]", "a string is required here; give each argument as a string"));
                else if (request.Args[i].Contains('\0', StringComparison.Ordinal)) errors.Add(new($"args[{i}]", "the argument contains a NUL character; give text without NUL"));
            }
        }

        if (request.Env is null) errors.Add(new("env", "give the environment as an object of names to strings, like {\"APP_MODE\": \"fast\"}, or leave env out"));
        else
        {
            foreach (var (name, value) in request.Env.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var field = $"env.{name}";
                if (!EnvName().IsMatch(name))
                    errors.Add(new(field, $"'{name}' is not an environment variable name; use letters, digits and '_', not starting with a digit (like APP_MODE)"));
                if (value is null) errors.Add(new(field, "a value is required; use \"\" for an empty value"));
                else if (value.Contains('\0', StringComparison.Ordinal)) errors.Add(new(field, "the value contains a NUL character; give text without NUL"));
            }
        }
        return errors;
    }

    // The same rule as a registration's env names (RegistrationValidator).
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
