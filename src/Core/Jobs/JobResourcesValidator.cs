using System.Text.RegularExpressions;
using k8s.Models;
using ManagedImages.Registrations;

namespace ManagedImages.Jobs;

/// <summary>
/// Checks a run's <see cref="JobResources"/>: only <c>cpu</c> and <c>memory</c>, each a Kubernetes quantity large enough
/// for a container to start, and no request above its limit.
/// </summary>
public static partial class JobResourcesValidator
{
    /// <summary>Docker refuses a memory limit under 6 MiB, so a smaller one could never start.</summary>
    public const long MinMemoryBytes = 6 * 1024 * 1024;

    /// <summary>Docker's smallest CPU limit is 0.01 CPU (10m).</summary>
    public const decimal MinCpuLimit = 0.01m;

    /// <summary>Kubernetes counts CPU in millicores, so less than 1m is nothing.</summary>
    public const decimal MinCpuRequest = 0.001m;

    private const string Accepted = "\"cpu\" (cores, like \"250m\" or \"1.5\") and \"memory\" (bytes, like \"256Mi\" or \"1Gi\")";

    public static void Validate(string field, JobResources? resources, List<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (resources is null) return;
        var requests = Amounts($"{field}.requests", resources.Requests, isLimit: false, errors);
        var limits = Amounts($"{field}.limits", resources.Limits, isLimit: true, errors);
        foreach (var (name, request) in requests)
        {
            if (limits.TryGetValue(name, out var limit) && request.Value > limit.Value)
            {
                errors.Add(new($"{field}.requests.{name}",
                    $"'{request.Text}' is more than the limit '{limit.Text}'; a request must not exceed {field}.limits.{name}"));
            }
        }
    }

    /// <summary>The value of a quantity that <see cref="Validate"/> accepted (cores for cpu, bytes for memory).</summary>
    public static decimal Value(string quantity) => new ResourceQuantity(quantity).ToDecimal();

    private static Dictionary<string, (string Text, decimal Value)> Amounts(
        string field, IReadOnlyDictionary<string, string>? amounts, bool isLimit, List<ValidationError> errors)
    {
        var parsed = new Dictionary<string, (string, decimal)>(StringComparer.Ordinal);
        if (amounts is null)
        {
            errors.Add(new(field, $"give an object with {Accepted}, or leave it out"));
            return parsed;
        }

        foreach (var (name, text) in amounts)
        {
            if (name is not (JobResources.Cpu or JobResources.Memory))
            {
                errors.Add(new($"{field}.{name}", $"'{name}' is not a resource a run can ask for; give {Accepted}"));
                continue;
            }

            var example = name == JobResources.Cpu ? "\"250m\", \"1\" or \"1.5\"" : "\"256Mi\", \"1Gi\" or \"500M\"";
            if (!TryParse(text, out var value))
            {
                errors.Add(new($"{field}.{name}", $"'{text}' is not a Kubernetes quantity; give one like {example}"));
                continue;
            }

            var (least, leastText) = name == JobResources.Cpu
                ? isLimit ? (MinCpuLimit, "10m") : (MinCpuRequest, "1m")
                : ((decimal)MinMemoryBytes, "6Mi");
            if (value < least)
            {
                errors.Add(new($"{field}.{name}", $"'{text}' is too small; give at least {leastText}, like {example}"));
                continue;
            }

            // Docker counts nano-CPUs in 64 bits (the client already caps bytes there); more is no machine's anyway.
            if (value > (name == JobResources.Cpu ? long.MaxValue / 1_000_000_000m : long.MaxValue))
            {
                errors.Add(new($"{field}.{name}", $"'{text}' is too large; give one like {example}"));
                continue;
            }

            parsed[name] = (text, value);
        }
        return parsed;
    }

    private static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        // The client's parser is more lenient than the API server (it takes "256 Mi"), so the grammar is checked first.
        if (text is null || !QuantityGrammar().IsMatch(text)) return false;
        try
        {
            value = new ResourceQuantity(text).ToDecimal();
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }

    /// <summary>The quantity grammar of the Kubernetes API (resource.Quantity): a signed decimal and a binary, decimal or exponent suffix.</summary>
    [GeneratedRegex(@"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityGrammar();
}
