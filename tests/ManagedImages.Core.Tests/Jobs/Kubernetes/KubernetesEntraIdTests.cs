using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using ManagedImages.Core.Tests.Registry;
using ManagedImages.Jobs;
using ManagedImages.Jobs.Kubernetes;
using ManagedImages.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Core.Tests.Jobs.Kubernetes;

/// <summary>
/// The Kubernetes launcher with Kubernetes:Authentication = EntraId, as the Functions app reaches AKS: the API server
/// and CA from an in-test ARM (listClusterUserCredential), an https in-test API server whose certificate only that CA
/// vouches for, and Entra ID tokens from a test <see cref="TokenCredential"/> registered as the ACR sign-in's identity.
/// </summary>
public sealed class KubernetesEntraIdTests : IAsyncLifetime
{
    private const string Namespace = "mi-jobs";
    private const string ArmScope = "https://management.azure.com/.default";
    private const string ImageDigest = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly ManualTimeProvider _time = new() { Now = DateTimeOffset.UtcNow };
    private readonly string _aksToken = "aks-token-" + Guid.NewGuid().ToString("N");
    private X509Certificate2 _certificate = null!;
    private FakeKubernetesApi _api = null!;
    private FakeAksArm _arm = null!;
    private ScopedTokenCredential _identity = null!;
    private ServiceProvider? _services;

    public async Task InitializeAsync()
    {
        _certificate = TestCertificates.SelfSigned();
        _api = await FakeKubernetesApi.StartAsync(_certificate);
        _api.Token = _aksToken;
        _arm = await FakeAksArm.StartAsync(_api.Endpoint, TestCertificates.AuthorityData(_certificate));
        _identity = new ScopedTokenCredential(_time).Add(ArmScope, _arm.Token);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        await _arm.DisposeAsync();
        await _api.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task Every_API_call_carries_the_AKS_scope_token_over_TLS_checked_against_the_CA_ARM_names_and_ARM_is_asked_once()
    {
        _identity.Add(AksOptions.DefaultServerScope, _aksToken);
        var launcher = Launcher();
        Assert.StartsWith("https://", _api.Endpoint.ToString(), StringComparison.Ordinal);

        var first = Request("run-entra-1");
        await launcher.LaunchAsync(first, Cancel());
        _api.Run(Namespace, first.JobName, exitCode: 0, log: "");
        Assert.Equal(0, (await launcher.WaitAsync(first.JobName, Cancel())).ExitCode);
        await launcher.LaunchAsync(Request("run-entra-2"), Cancel());

        Assert.True(_api.Requests.Count >= 4);
        Assert.All(_api.Requests, r => Assert.Equal($"Bearer {_aksToken}", r.Authorization));
        Assert.Equal($"POST {_arm.ResourceId}/listClusterUserCredential?api-version={FakeAksArm.ApiVersion}", Assert.Single(_arm.Calls));
        Assert.Equal([ArmScope, AksOptions.DefaultServerScope], _identity.Requests);
    }

    [Fact]
    public async Task The_AKS_token_is_kept_while_fresh_and_asked_again_before_it_expires()
    {
        _identity.Add(AksOptions.DefaultServerScope, "aks-1", "aks-2");
        _api.Token = "aks-1";
        var launcher = Launcher();

        await launcher.LaunchAsync(Request("run-fresh-1"), Cancel());
        _time.Now += TimeSpan.FromMinutes(30);
        await launcher.LaunchAsync(Request("run-fresh-2"), Cancel());
        Assert.Single(_identity.Requests, s => s == AksOptions.DefaultServerScope);

        // 4 minutes before the hour-long token expires: a new one, which is all the API server takes now.
        _time.Now += TimeSpan.FromMinutes(26);
        _api.Token = "aks-2";
        await launcher.LaunchAsync(Request("run-fresh-3"), Cancel());

        Assert.Equal(2, _identity.Requests.Count(s => s == AksOptions.DefaultServerScope));
        Assert.Equal("Bearer aks-2", _api.Requests.Last().Authorization);
        Assert.Single(_arm.Calls);
    }

    [Fact]
    public void A_403_from_ARM_names_the_setting_and_the_role_to_grant_without_repeating_a_token()
    {
        _identity.Add(AksOptions.DefaultServerScope, _aksToken);
        _arm.Forbid = true;

        var error = Assert.Throws<InvalidOperationException>(() => Launcher());

        Assert.StartsWith("Kubernetes:Aks:ResourceId: ARM refused listClusterUserCredential", error.Message, StringComparison.Ordinal);
        Assert.Contains(_arm.ResourceId, error.Message, StringComparison.Ordinal);
        Assert.Contains("403 AuthorizationFailed", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Azure Kubernetes Service Cluster User Role'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_arm.Token, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_aksToken, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(_api.Requests);
    }

    [Fact]
    public async Task An_API_server_and_CA_set_directly_are_used_without_asking_ARM()
    {
        _identity.Add(AksOptions.DefaultServerScope, _aksToken);
        var launcher = Launcher(direct: TestCertificates.AuthorityData(_certificate));

        await launcher.LaunchAsync(Request("run-direct"), Cancel());

        Assert.Equal($"Bearer {_aksToken}", Assert.Single(_api.Requests).Authorization);
        Assert.Empty(_arm.Calls);
        Assert.Equal([AksOptions.DefaultServerScope], _identity.Requests);
    }

    [Fact]
    public async Task A_server_certificate_the_configured_CA_does_not_vouch_for_is_refused()
    {
        _identity.Add(AksOptions.DefaultServerScope, _aksToken);
        using var other = TestCertificates.SelfSigned();
        var launcher = Launcher(direct: TestCertificates.AuthorityData(other));

        await Assert.ThrowsAsync<HttpRequestException>(() => launcher.LaunchAsync(Request("run-untrusted"), Cancel()));

        Assert.Empty(_api.Requests);
    }

    [Fact]
    public void Entra_ID_without_a_cluster_resource_id_or_API_server_is_refused_naming_the_setting()
    {
        using var services = new ServiceCollection()
            .AddKubernetesJobLauncher(Configuration(new() { ["Kubernetes:Authentication"] = "EntraId", ["Kubernetes:Aks:ResourceId"] = "aks1" }))
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KubernetesOptions>>().Value);

        Assert.Contains("Kubernetes:Aks:ResourceId must be the cluster's resource id", error.Message, StringComparison.Ordinal);
    }

    private KubernetesJobLauncher Launcher(string? direct = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kubernetes:Authentication"] = "EntraId",
            ["Kubernetes:Namespace"] = Namespace,
        };
        if (direct is null)
        {
            settings["Kubernetes:Aks:ResourceId"] = _arm.ResourceId;
            settings["Kubernetes:Aks:ArmEndpoint"] = _arm.Endpoint.ToString();
        }
        else
        {
            settings["Kubernetes:ApiServer"] = _api.Endpoint.ToString();
            settings["Kubernetes:CertificateAuthorityData"] = direct;
        }

        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(_time)
            .AddKeyedSingleton<TokenCredential>(AcrCredentialSource.TokenCredentialKey, _identity)
            .AddKubernetesJobLauncher(Configuration(settings))
            .BuildServiceProvider();
        return Assert.IsType<KubernetesJobLauncher>(_services.GetRequiredService<IJobLauncher>());
    }

    private static JobRequest Request(string runId) =>
        new(JobNames.FromRunId(runId), "127.0.0.1:5000/managed/hello@" + ImageDigest, ["true"], new Dictionary<string, string>(),
            new Dictionary<string, string> { [JobLabels.Nickname] = "hello", [JobLabels.Version] = "1", [JobLabels.RunId] = runId });

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static CancellationToken Cancel() => new CancellationTokenSource(Timeout).Token;
}
