using ManagedImages.Registrations;

namespace ManagedImages.Api;

/// <summary>Checks a run request's args and env with the same rules a registration's cmd and env follow.</summary>
public static class RunRequestValidator
{
    public static IReadOnlyList<ValidationError> Validate(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ValidationError>();
        if (request.Args is null) errors.Add(new("args", "give the arguments as an array of strings, like [\"--verbose\"], or leave args out"));
        else RegistrationValidator.ValidateArguments("args", request.Args, errors);

        if (request.Env is null) errors.Add(new("env", "give the environment as an object of names to strings, like {\"APP_MODE\": \"fast\"}, or leave env out"));
        else RegistrationValidator.ValidateEnv(request.Env, errors);
        return errors;
    }
}
