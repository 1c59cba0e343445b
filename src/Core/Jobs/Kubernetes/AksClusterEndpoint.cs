using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;
using Azure.Identity;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace ManagedImages.Jobs.Kubernetes;

/// <summary>
/// Where an AKS cluster's API server is and the CA its certificate chains to: read from ARM (listClusterUserCredential,
/// whose kubeconfig names both; its exec/kubelogin user is ignored) or taken as configured. The result has no user:
/// <see cref="EntraIdTokenProvider"/> authenticates the calls.
/// </summary>
internal static class AksClusterEndpoint
{
    public const string HttpClientName = "ManagedImages.AksArm";

    private const string ClusterUserRole = "Azure Kubernetes Service Cluster User Role";

    public static async Task<KubernetesClientConfiguration> FromArmAsync(
        HttpClient http, TokenCredential identity, AksOptions aks, CancellationToken cancellationToken)
    {
        var uri = new Uri(aks.ArmEndpoint,
            $"{aks.ResourceId.TrimEnd('/')}/listClusterUserCredential?api-version={Uri.EscapeDataString(aks.ApiVersion)}");
        AccessToken arm;
        try
        {
            arm = await identity.GetTokenAsync(new TokenRequestContext([aks.ArmScope]), cancellationToken);
        }
        catch (AuthenticationFailedException e)
        {
            throw new InvalidOperationException(
                $"Kubernetes:Aks:ResourceId: getting an Entra ID token for ARM ({aks.ArmScope}) to read the cluster's " +
                $"API server failed: {e.Message} Check the identity (Registry:Acr:Credential, Registry:Acr:ManagedIdentityClientId) or sign in.", e);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", arm.Token);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw Refused(response.StatusCode, body, uri, aks);

        return FromKubeConfig(KubeConfigOf(body, uri), $"the kubeconfig ARM returned for {aks.ResourceId}");
    }

    /// <summary>A configuration for <paramref name="server"/>, trusting the CA in <paramref name="certificateAuthorityData"/> (base64 PEM) when given.</summary>
    public static KubernetesClientConfiguration FromServer(string server, string? certificateAuthorityData) =>
        Build(new ClusterEndpoint
        {
            Server = server,
            CertificateAuthorityData = string.IsNullOrWhiteSpace(certificateAuthorityData) ? null : certificateAuthorityData,
        }, "Kubernetes:ApiServer and Kubernetes:CertificateAuthorityData");

    private static KubernetesClientConfiguration FromKubeConfig(byte[] kubeconfig, string source)
    {
        K8SConfiguration config;
        try
        {
            using var stream = new MemoryStream(kubeconfig);
            config = KubernetesClientConfiguration.LoadKubeConfig(stream);
        }
        catch (Exception e) when (e is KubeConfigException or YamlDotNet.Core.YamlException)
        {
            throw new InvalidOperationException($"Kubernetes:Aks:ResourceId: {source} could not be read: {e.Message}", e);
        }

        var context = config.Contexts?.FirstOrDefault(c => string.Equals(c.Name, config.CurrentContext, StringComparison.Ordinal))
            ?? config.Contexts?.FirstOrDefault();
        var cluster = config.Clusters?.FirstOrDefault(c => string.Equals(c.Name, context?.ContextDetails?.Cluster, StringComparison.Ordinal))
            ?? config.Clusters?.FirstOrDefault();
        if (cluster?.ClusterEndpoint is not { Server.Length: > 0 } endpoint)
        {
            throw new InvalidOperationException($"Kubernetes:Aks:ResourceId: {source} names no cluster server");
        }

        return Build(new ClusterEndpoint { Server = endpoint.Server, CertificateAuthorityData = endpoint.CertificateAuthorityData }, source);
    }

    // KubernetesClient's own loader turns server and certificate-authority-data into Host and SslCaCerts.
    private static KubernetesClientConfiguration Build(ClusterEndpoint endpoint, string source)
    {
        var config = new K8SConfiguration
        {
            CurrentContext = "aks",
            Clusters = [new Cluster { Name = "aks", ClusterEndpoint = endpoint }],
            Contexts = [new Context { Name = "aks", ContextDetails = new ContextDetails { Cluster = "aks" } }],
            Users = [],
        };
        try
        {
            return KubernetesClientConfiguration.BuildConfigFromConfigObject(config);
        }
        catch (Exception e) when (e is KubeConfigException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidOperationException(
                $"{source}: the server '{endpoint.Server}' or its certificate authority (base64 PEM) is not usable: {e.Message}", e);
        }
    }

    private static byte[] KubeConfigOf(string body, Uri uri)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("kubeconfigs", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (item.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String) return value.GetBytesFromBase64();
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Kubernetes:Aks:ResourceId: {uri.GetLeftPart(UriPartial.Path)} answered with something other than kubeconfigs: {e.Message}", e);
        }

        throw new InvalidOperationException(
            $"Kubernetes:Aks:ResourceId: {uri.GetLeftPart(UriPartial.Path)} answered without a kubeconfig (kubeconfigs[].value)");
    }

    private static InvalidOperationException Refused(HttpStatusCode status, string body, Uri uri, AksOptions aks)
    {
        var (code, message) = ArmError(body);
        var what = string.Create(CultureInfo.InvariantCulture, $"ARM refused listClusterUserCredential on {aks.ResourceId} ({(int)status} {code}): {message}");
        var next = status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                $" Give the service's identity the '{ClusterUserRole}' on the cluster (it lets it read the API server and CA).",
            HttpStatusCode.NotFound => " Check that Kubernetes:Aks:ResourceId names an existing managed cluster.",
            _ => $" ({uri.GetLeftPart(UriPartial.Path)})",
        };
        return new InvalidOperationException($"Kubernetes:Aks:ResourceId: {what}{next}");
    }

    // ARM errors are {"error":{"code":..,"message":..}}; they name the principal and action, never a token.
    private static (string Code, string Message) ArmError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return (Text(error, "code") ?? "", Text(error, "message") ?? "");
            }
        }
        catch (JsonException)
        {
        }

        return ("", body.Length > 300 ? body[..300] : body);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
