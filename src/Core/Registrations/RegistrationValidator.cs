using System.Buffers.Text;
using System.Text;
using System.Text.RegularExpressions;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Registrations;

/// <summary>
/// Checks a registration before anything is stored or built. Every error names its field as a JSON path and says what
/// would be accepted, so a user can fix all of them in one go.
/// </summary>
public static partial class RegistrationValidator
{
    public const string NicknameAccepted =
        "1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit (a DNS label like 'team-base')";

    public static IReadOnlyList<ValidationError> Validate(string nickname, Registration registration) =>
        Validate(nickname, registration, access: null);

    /// <summary>Also refuses a base outside the allowed base repositories of <paramref name="access"/> (when it has any).</summary>
    public static IReadOnlyList<ValidationError> Validate(string nickname, Registration registration, RegistryAccessPolicy? access)
    {
        ArgumentNullException.ThrowIfNull(registration);
        var errors = new List<ValidationError>();
        if (NicknameProblem(nickname) is { } nicknameProblem) errors.Add(new("nickname", nicknameProblem));
        ValidateBase(registration.Base, access, errors);
        var filePaths = ValidateFiles(registration.Files, errors);
        ValidateRemove(registration.Remove, filePaths, errors);
        ValidateEnv(registration.Env, errors);
        ValidateArguments("entrypoint", registration.Entrypoint, errors);
        ValidateArguments("cmd", registration.Cmd, errors);
        ValidateWorkdir(registration.Workdir, errors);
        ValidateLabels(registration.Labels, errors);
        ValidatePackages(registration.Packages, errors);
        ValidateOtherSize(registration, errors);
        return errors;
    }

    /// <summary>Why <paramref name="nickname"/> is not a nickname, or null when it is one.</summary>
    public static string? NicknameProblem(string? nickname)
    {
        if (string.IsNullOrEmpty(nickname)) return $"a nickname is required: {NicknameAccepted}";
        if (nickname.Length > RegistrationLimits.MaxNicknameLength)
            return $"'{nickname}' has {nickname.Length} characters; use {NicknameAccepted}";
        return Nickname().IsMatch(nickname) ? null : $"'{nickname}' is not a nickname; use {NicknameAccepted}";
    }

    private static void ValidateBase(string? value, RegistryAccessPolicy? access, List<ValidationError> errors)
    {
        if (!ImageReference.TryParse(value, out var reference, out var error))
        {
            errors.Add(new("base", error));
            return;
        }
        if (access?.BaseProblem(reference) is { } notAllowed)
        {
            errors.Add(new("base", $"'{value}': {notAllowed}"));
            return;
        }
        if (reference.Digest is { } digest)
        {
            errors.Add(new("base", reference.Tag is null
                ? $"'{value}' names only a digest; give a tag like {reference.Name}:1.0 (the service follows the tag to its newest digest)"
                : $"'{value}' pins a digest; give only the tag, {reference.Name}:{reference.Tag} (the service follows the tag and pins {digest.Algorithm} digests itself)"));
        }
    }

    private static Dictionary<string, int> ValidateFiles(IReadOnlyList<FileSpec?>? files, List<ValidationError> errors)
    {
        var paths = new Dictionary<string, int>(StringComparer.Ordinal);
        if (files is null) return paths;
        long total = 0;
        for (var i = 0; i < files.Count; i++)
        {
            var field = $"files[{i}]";
            if (files[i] is not { } file)
            {
                errors.Add(new(field, "a file is required here: {\"path\": \"/etc/app.conf\", \"content\": \"...\"}"));
                continue;
            }

            if (ImagePaths.Problem(file.Path) is { } pathProblem) errors.Add(new($"{field}.path", pathProblem));
            else if (paths.TryGetValue(file.Path, out var first))
                errors.Add(new($"{field}.path", $"'{file.Path}' is already given by files[{first}]; each path may appear once"));
            else paths.Add(file.Path, i);

            var size = FileSize(file, field, errors);
            if (size > RegistrationLimits.MaxFileBytes)
            {
                errors.Add(new(file.ContentBase64 is null ? $"{field}.content" : $"{field}.contentBase64",
                    $"the file has {RegistrationLimits.Describe(size)}; at most {RegistrationLimits.Describe(RegistrationLimits.MaxFileBytes)} per file are accepted"));
            }
            total += size;

            if (file.Mode is not null && !FileModes.TryParse(file.Mode, out _))
                errors.Add(new($"{field}.mode", $"'{file.Mode}' is not a file mode; use {FileModes.Accepted}"));
        }

        if (total > RegistrationLimits.MaxTotalFileBytes)
        {
            errors.Add(new("files", $"the files have {RegistrationLimits.Describe(total)} together; at most " +
                $"{RegistrationLimits.Describe(RegistrationLimits.MaxTotalFileBytes)} in all are accepted (put larger content in the base image)"));
        }
        return paths;
    }

    /// <summary>The decoded size of the file's content, after checking that exactly one valid form is given.</summary>
    private static long FileSize(FileSpec file, string field, List<ValidationError> errors)
    {
        if ((file.Content is null) == (file.ContentBase64 is null))
        {
            errors.Add(new(field, file.Content is null
                ? "the file has no content; give exactly one of 'content' (UTF-8 text) or 'contentBase64'"
                : "the file has both 'content' and 'contentBase64'; give exactly one of them"));
            return 0;
        }
        if (file.Content is not null) return Encoding.UTF8.GetByteCount(file.Content);
        if (!Base64.IsValid(file.ContentBase64.AsSpan(), out var decoded))
        {
            errors.Add(new($"{field}.contentBase64", "the value is not base64; give standard base64 (A-Z, a-z, 0-9, '+', '/', '=' padding)"));
            return 0;
        }
        return decoded;
    }

    private static void ValidateRemove(IReadOnlyList<string?>? remove, Dictionary<string, int> filePaths, List<ValidationError> errors)
    {
        if (remove is null) return;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < remove.Count; i++)
        {
            var field = $"remove[{i}]";
            var path = remove[i];
            if (ImagePaths.Problem(path) is { } problem) errors.Add(new(field, problem));
            else if (seen.TryGetValue(path!, out var first))
                errors.Add(new(field, $"'{path}' is already given by remove[{first}]; each path may appear once"));
            else if (filePaths.TryGetValue(path!, out var file))
                errors.Add(new(field, $"'{path}' is also added by files[{file}]; a path is either added or removed, not both"));
            else seen.Add(path!, i);
        }
    }

    /// <summary>Checks environment variable names and values (a run request's env follows the same rule).</summary>
    public static void ValidateEnv(IReadOnlyDictionary<string, string>? env, List<ValidationError> errors)
    {
        if (env is null) return;
        foreach (var (name, value) in env.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var field = $"env.{name}";
            if (!EnvName().IsMatch(name))
                errors.Add(new(field, $"'{name}' is not an environment variable name; use letters, digits and '_', not starting with a digit (like APP_MODE)"));
            if (value is null) errors.Add(new(field, "a value is required; use \"\" for an empty value"));
            else if (value.Contains('\0', StringComparison.Ordinal)) errors.Add(new(field, "the value contains a NUL character; give text without NUL"));
        }
    }

    /// <summary>Checks an argument list such as cmd, entrypoint or a run request's args.</summary>
    public static void ValidateArguments(string field, IReadOnlyList<string?>? arguments, List<ValidationError> errors)
    {
        if (arguments is null) return;
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is null) errors.Add(new($"{field}[{i}]", "a string is required here; give each argument as a string, like [\"/bin/sh\", \"-c\", \"...\"]"));
            else if (arguments[i]!.Contains('\0', StringComparison.Ordinal)) errors.Add(new($"{field}[{i}]", "the argument contains a NUL character; give text without NUL"));
        }
    }

    private static void ValidateWorkdir(string? workdir, List<ValidationError> errors)
    {
        if (workdir is null) return;
        if (workdir.Length == 0 || workdir[0] != '/' || workdir.Contains('\0', StringComparison.Ordinal))
            errors.Add(new("workdir", $"'{workdir}' is not an absolute path; give one like /app, or leave workdir out to keep the base's"));
    }

    private static void ValidateLabels(IReadOnlyDictionary<string, string>? labels, List<ValidationError> errors)
    {
        if (labels is null) return;
        foreach (var (key, value) in labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            var field = $"labels.{key}";
            if (string.IsNullOrWhiteSpace(key)) errors.Add(new("labels", "a label key is empty; give keys like org.example.team"));
            if (value is null) errors.Add(new(field, "a value is required; use \"\" for an empty value"));
        }
    }

    private static void ValidatePackages(PackageSpec? packages, List<ValidationError> errors)
    {
        if (packages is null) return;
        ValidatePackageList("packages.apt", packages.Apt, PackageNames.AptProblem, PackageNames.AptName, errors);
        ValidatePackageList("packages.pip", packages.Pip, PackageNames.PipProblem, PackageNames.PipName, errors);
    }

    private static void ValidatePackageList(
        string field, IReadOnlyList<string?>? names, Func<string?, string?> problemOf, Func<string, string> nameOf, List<ValidationError> errors)
    {
        if (names is null) return;
        if (names.Count > RegistrationLimits.MaxPackagesPerManager)
            errors.Add(new(field, $"{names.Count} packages are listed; at most {RegistrationLimits.MaxPackagesPerManager} are accepted"));
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            if (problemOf(names[i]) is { } problem)
            {
                errors.Add(new($"{field}[{i}]", problem));
                continue;
            }
            // Two entries for one package would ask the package manager for two versions of it.
            var name = nameOf(names[i]!);
            if (!seen.TryAdd(name, i))
                errors.Add(new($"{field}[{i}]", $"'{names[i]}' names the package {name} again (first at {field}[{seen[name]}]); list each package once"));
        }
    }

    private static void ValidateOtherSize(Registration registration, List<ValidationError> errors)
    {
        static long Bytes(string? s) => s is null ? 0 : Encoding.UTF8.GetByteCount(s);
        static long Pairs(IReadOnlyDictionary<string, string>? map) => map?.Sum(p => Bytes(p.Key) + Bytes(p.Value)) ?? 0;
        static long Strings(IEnumerable<string?>? list) => list?.Sum(Bytes) ?? 0;

        var sizes = new (string Field, long Bytes)[]
        {
            ("env", Pairs(registration.Env)),
            ("labels", Pairs(registration.Labels)),
            ("entrypoint", Strings(registration.Entrypoint)),
            ("cmd", Strings(registration.Cmd)),
            ("workdir", Bytes(registration.Workdir)),
            ("remove", Strings(registration.Remove)),
            ("packages", Strings(registration.Packages?.Apt) + Strings(registration.Packages?.Pip)),
        };
        var total = sizes.Sum(s => s.Bytes);
        if (total <= RegistrationLimits.MaxOtherBytes) return;
        // Name the largest part: that is where cutting helps.
        var largest = sizes.MaxBy(s => s.Bytes).Field;
        errors.Add(new(largest, $"env, labels, entrypoint, cmd, workdir, remove and packages have {RegistrationLimits.Describe(total)} together " +
            $"({largest}: {RegistrationLimits.Describe(sizes.Max(s => s.Bytes))}); at most {RegistrationLimits.Describe(RegistrationLimits.MaxOtherBytes)} are accepted"));
    }

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Nickname();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvName();
}
