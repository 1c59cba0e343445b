using System.Xml;
using ManagedImages.Jobs;
using ManagedImages.Registrations;
using ManagedImages.Runs;

namespace ManagedImages.Api;

/// <summary>
/// Checks a run request's args and env with the same rules a registration's cmd and env follow, its freshness
/// policy and its resources.
/// </summary>
public static class RunRequestValidator
{
    private const string FreshnessChoices = "\"strict\" (the default), \"allowStale\", or \"maxAge\" together with maxAge";

    public static IReadOnlyList<ValidationError> Validate(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ValidationError>();
        if (request.Args is null) errors.Add(new("args", "give the arguments as an array of strings, like [\"--verbose\"], or leave args out"));
        else RegistrationValidator.ValidateArguments("args", request.Args, errors);

        if (request.Env is null) errors.Add(new("env", "give the environment as an object of names to strings, like {\"APP_MODE\": \"fast\"}, or leave env out"));
        else RegistrationValidator.ValidateEnv(request.Env, errors);

        Freshness(request, errors);
        JobResourcesValidator.Validate("resources", request.Resources, errors);
        return errors;
    }

    /// <summary>The policy of a valid request (strict when it names none).</summary>
    public static RunFreshness Freshness(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Freshness(request, []) ?? RunFreshness.Strict;
    }

    private static RunFreshness? Freshness(RunRequest request, List<ValidationError> errors)
    {
        var mode = request.Freshness;
        if (mode is null && request.MaxAge is null) return RunFreshness.Strict;
        if (mode is not null && !mode.Equals("maxAge", StringComparison.OrdinalIgnoreCase))
        {
            if (request.MaxAge is not null)
                errors.Add(new("maxAge", $"maxAge applies only with freshness \"maxAge\", not \"{mode}\"; leave maxAge out or set freshness to \"maxAge\""));
            if (mode.Equals("strict", StringComparison.OrdinalIgnoreCase)) return RunFreshness.Strict;
            if (mode.Equals("allowStale", StringComparison.OrdinalIgnoreCase)) return RunFreshness.AllowStale;
            errors.Add(new("freshness", $"'{mode}' is not a freshness policy; give {FreshnessChoices}"));
            return null;
        }

        if (request.MaxAge is null)
        {
            errors.Add(new("maxAge", "freshness \"maxAge\" needs maxAge: an ISO 8601 duration like \"PT1H\" or \"P1D\""));
            return null;
        }
        TimeSpan maxAge;
        try
        {
            maxAge = XmlConvert.ToTimeSpan(request.MaxAge);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            errors.Add(new("maxAge", $"'{request.MaxAge}' is not an ISO 8601 duration; give one like \"PT30M\", \"PT1H\" or \"P1D\""));
            return null;
        }
        if (maxAge <= TimeSpan.Zero)
        {
            errors.Add(new("maxAge", $"'{request.MaxAge}' is not a positive duration; give one like \"PT30M\", \"PT1H\" or \"P1D\""));
            return null;
        }
        return RunFreshness.Within(maxAge);
    }
}
