using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace ManagedImages.Jobs;

/// <summary>Job names: derived from run ids, valid as Docker container names and Kubernetes Job names.</summary>
public static partial class JobNames
{
    public const string Prefix = "mi-";

    /// <summary>Kubernetes copies a Job's name into a label on its pods, and label values stop at 63 characters.</summary>
    public const int MaxLength = 63;

    private const int HashLength = 8;

    /// <summary>
    /// The job name for a run: <c>mi-</c> and the run id when it is already lowercase letters, digits and dashes and
    /// fits; otherwise a sanitized, shortened run id with a hash of the original, so distinct run ids keep distinct
    /// names. The same run id always gives the same name, which is what makes a retried launch find its job.
    /// </summary>
    public static string FromRunId(string runId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);

        var sanitized = new StringBuilder(runId.Length);
        foreach (var c in runId.ToLowerInvariant())
        {
            sanitized.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '-');
        }

        var body = sanitized.ToString().Trim('-');
        if (body == runId && Prefix.Length + body.Length <= MaxLength)
        {
            return Prefix + body;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runId)))[..HashLength];
        var room = MaxLength - Prefix.Length - HashLength - 1;
        if (body.Length > room)
        {
            body = body[..room].TrimEnd('-');
        }

        return body.Length == 0 ? Prefix + hash : $"{Prefix}{body}-{hash}";
    }

    /// <summary>Whether <paramref name="name"/> is a Docker container name; <paramref name="error"/> says why not.</summary>
    public static bool IsValidContainerName(string? name, out string error)
    {
        if (string.IsNullOrEmpty(name))
        {
            error = "a job name is required, like mi-3f2a9c";
            return false;
        }

        if (!ContainerName().IsMatch(name))
        {
            error = $"'{name}' is not a valid container name: use at least two characters, a letter or digit first, " +
                    "then letters, digits, '_', '.' or '-' (JobNames.FromRunId makes one from a run id)";
            return false;
        }

        error = "";
        return true;
    }

    // The engine's own rule for container names.
    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ContainerName();
}
