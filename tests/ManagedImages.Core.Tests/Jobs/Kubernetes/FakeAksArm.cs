using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Core.Tests.Jobs.Kubernetes;

/// <summary>
/// An in-test Azure Resource Manager for one AKS cluster, as the Managed Clusters REST API documents
/// listClusterUserCredential: <c>POST {resourceId}/listClusterUserCredential?api-version=…</c> with a bearer token,
/// answered with <c>{"kubeconfigs":[{"name":"clusterUser","value":"&lt;base64 kubeconfig&gt;"}]}</c>, the kubeconfig
/// of an Entra ID cluster (server, certificate-authority-data, a kubelogin exec user). Errors are ARM's
/// <c>{"error":{"code","message"}}</c>. Kestrel on a free loopback port.
/// </summary>
internal sealed class FakeAksArm : IAsyncDisposable
{
    public const string ApiVersion = "2024-05-01";

    private readonly WebApplication _app;

    private FakeAksArm(WebApplication app, string resourceId, Uri server, string certificateAuthorityData)
    {
        _app = app;
        ResourceId = resourceId;
        Server = server;
        CertificateAuthorityData = certificateAuthorityData;
    }

    public Uri Endpoint { get; private set; } = null!;

    public string ResourceId { get; }

    public Uri Server { get; }

    public string CertificateAuthorityData { get; }

    /// <summary>The bearer token ARM accepts.</summary>
    public string Token { get; set; } = "arm-token-" + Guid.NewGuid().ToString("N");

    /// <summary>Answer 403 AuthorizationFailed, as ARM does for an identity without the listClusterUserCredential action.</summary>
    public bool Forbid { get; set; }

    public ConcurrentQueue<string> Calls { get; } = new();

    public static async Task<FakeAksArm> StartAsync(Uri server, string certificateAuthorityData)
    {
        var resourceId = $"/subscriptions/{Guid.NewGuid()}/resourceGroups/rg-{Guid.NewGuid():N}/providers/Microsoft.ContainerService/managedClusters/aks1";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var arm = new FakeAksArm(app, resourceId, server, certificateAuthorityData);
        app.Run(arm.HandleAsync);
        await app.StartAsync();
        arm.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return arm;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Calls.Enqueue($"{request.Method} {request.Path}{request.QueryString}");
        if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            await Error(context, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "The access token is invalid.");
            return;
        }

        if (!string.Equals(request.Path, $"{ResourceId}/listClusterUserCredential", StringComparison.OrdinalIgnoreCase))
        {
            await Error(context, HttpStatusCode.NotFound, "ResourceNotFound", $"The Resource '{request.Path}' was not found.");
            return;
        }

        if (request.Method != HttpMethods.Post)
        {
            await Error(context, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", "listClusterUserCredential takes POST.");
            return;
        }

        if (request.Query["api-version"] != ApiVersion)
        {
            await Error(context, HttpStatusCode.BadRequest, "InvalidApiVersionParameter", $"The api-version '{request.Query["api-version"]}' is invalid.");
            return;
        }

        if (Forbid)
        {
            await Error(context, HttpStatusCode.Forbidden, "AuthorizationFailed",
                "The client 'f0f0f0f0-0000-0000-0000-000000000000' with object id 'f0f0f0f0-0000-0000-0000-000000000000' does not " +
                "have authorization to perform action 'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action' " +
                $"over scope '{ResourceId}' or the scope is invalid.");
            return;
        }

        var kubeconfig = $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: aks1
              cluster:
                server: {Server.ToString().TrimEnd('/')}
                certificate-authority-data: {CertificateAuthorityData}
            contexts:
            - name: aks1
              context:
                cluster: aks1
                user: clusterUser_rg_aks1
            current-context: aks1
            users:
            - name: clusterUser_rg_aks1
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1beta1
                  command: kubelogin
                  args: [get-token, --environment, AzurePublicCloud, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --login, devicecode]
                  interactiveMode: IfAvailable
            """;
        var body = new JsonObject
        {
            ["kubeconfigs"] = new JsonArray(new JsonObject
            {
                ["name"] = "clusterUser",
                ["value"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(kubeconfig)),
            }),
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static async Task Error(HttpContext context, HttpStatusCode status, string code, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }.ToJsonString());
    }
}
