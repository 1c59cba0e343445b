using System.Text.RegularExpressions;

namespace ManagedImages.Jobs.Kubernetes;

/// <summary>The Kubernetes API's rules for object names, label keys and label values.</summary>
public static partial class KubernetesNames
{
    /// <summary>Label values (and names carried into labels, like a Job's name on its pods) stop at 63 characters.</summary>
    public const int MaxLabelValueLength = 63;

    /// <summary>Whether <paramref name="name"/> can name a Job: a DNS label, since the Job's name becomes a pod label.</summary>
    public static bool IsValidJobName(string? name, out string error)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLabelValueLength || !DnsLabel().IsMatch(name))
        {
            error = $"'{name}' is not a valid Kubernetes Job name: use 1 to {MaxLabelValueLength} lowercase letters, " +
                    "digits and '-', starting and ending with a letter or digit (JobNames.FromRunId makes one from a run id)";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>Whether <paramref name="value"/> may be a label value (else it goes into an annotation only).</summary>
    public static bool IsValidLabelValue(string value) =>
        value.Length <= MaxLabelValueLength && LabelValue().IsMatch(value);

    /// <summary>Whether <paramref name="key"/> is a label or annotation key: an optional DNS-subdomain prefix and '/', then a name.</summary>
    public static bool IsValidKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length is 0 or > 253 || !DnsSubdomain().IsMatch(prefix)) return false;
        }

        return name.Length is > 0 and <= MaxLabelValueLength && KeyName().IsMatch(name);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex KeyName();
}
