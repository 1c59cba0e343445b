using Azure.Core;
using ManagedImages.Oci;
using ManagedImages.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Core.Tests.Registry;

/// <summary>
/// The registry client against an in-test ACR (<see cref="FakeAcr"/>) with an Entra ID identity: the Entra ID token is
/// exchanged for an ACR refresh token once, access tokens are asked per repository scope and renewed when they expire.
/// </summary>
public sealed class AcrEntraIdTests : IAsyncLifetime
{
    private readonly ManualTimeProvider time = new() { Now = DateTimeOffset.UtcNow };
    private readonly FakeEntraCredential entra = new();
    private FakeAcr acr = null!;
    private ServiceProvider? services;

    public async Task InitializeAsync()
    {
        acr = await FakeAcr.StartAsync(time);
        entra.Token = acr.EntraToken;
    }

    public async Task DisposeAsync()
    {
        if (services is not null) await services.DisposeAsync();
        await acr.DisposeAsync();
    }

    private RegistryClient Client(string? tenant = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(time);
        collection.AddKeyedSingleton<TokenCredential>(AcrCredentialSource.TokenCredentialKey, entra);
        collection.AddRegistryClient(new ConfigurationBuilder().Build());
        collection.Configure<RegistryOptions>(options =>
        {
            options.RetryDelay = TimeSpan.FromMilliseconds(1);
            options.Acr.Hosts.Add(acr.Host);
            options.Acr.TenantId = tenant;
        });
        services = collection.BuildServiceProvider();
        return services.GetRequiredService<RegistryClient>();
    }

    private ImageReference Ref(string repositoryAndTag) => ImageReference.Parse($"{acr.Host}/{repositoryAndTag}");

    [Fact]
    public async Task The_Entra_ID_token_is_exchanged_once_and_each_repository_gets_its_own_access_token()
    {
        var app = acr.AddImage("team/app", "1");
        var other = acr.AddImage("team/other", "1");
        var client = Client(tenant: acr.Tenant);

        Assert.Equal(app.Manifest, await client.ResolveDigestAsync(Ref("team/app:1"), default));
        Assert.Equal(other.Manifest, await client.ResolveDigestAsync(Ref("team/other:1"), default));
        Assert.Equal(app.Manifest, await client.ResolveDigestAsync(Ref("team/app:1"), default));
        Assert.NotNull(await client.GetManifestAsync(Ref("team/app:1"), default));

        Assert.Equal([AcrOptions.DefaultScope], Assert.Single(entra.Requests).Scopes);
        var exchange = Assert.Single(acr.Exchanges);
        Assert.Equal("access_token", exchange["grant_type"]);
        Assert.Equal(acr.Host, exchange["service"]);
        Assert.Equal(acr.Tenant, exchange["tenant"]);
        Assert.Equal(acr.EntraToken, exchange["access_token"]);
        // Only the repositories touched, each once; the refresh token buys both.
        Assert.Equal([["repository:team/app:pull"], ["repository:team/other:pull"]], acr.TokenRequests);
    }

    [Fact]
    public async Task Concurrent_first_requests_share_one_exchange()
    {
        acr.AddImage("team/app", "1");
        var client = Client();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.ResolveDigestAsync(Ref("team/app:1"), default)));

        Assert.Single(acr.Exchanges);
        Assert.Single(entra.Requests);
    }

    [Fact]
    public async Task An_expired_access_token_is_renewed_with_the_cached_refresh_token_and_an_expired_refresh_token_is_exchanged_again()
    {
        var app = acr.AddImage("team/app", "1");
        acr.AccessTokenLifetime = TimeSpan.FromMinutes(10);
        acr.RefreshTokenLifetime = TimeSpan.FromHours(3);
        var client = Client();

        await client.ResolveDigestAsync(Ref("team/app:1"), default);
        time.Now += TimeSpan.FromMinutes(5);
        await client.ResolveDigestAsync(Ref("team/app:1"), default);
        Assert.Single(acr.TokenRequests);

        // Past the access token's exp (less the margin): a new access token, the same refresh token.
        time.Now += TimeSpan.FromMinutes(5);
        Assert.Equal(app.Manifest, await client.ResolveDigestAsync(Ref("team/app:1"), default));
        Assert.Equal(2, acr.TokenRequests.Count);
        Assert.Single(acr.Exchanges);

        // Past the refresh token's exp: a new Entra ID token and exchange.
        time.Now += TimeSpan.FromHours(3);
        Assert.Equal(app.Manifest, await client.ResolveDigestAsync(Ref("team/app:1"), default));
        Assert.Equal(2, acr.Exchanges.Count);
        Assert.Equal(2, entra.Requests.Count);
    }

    [Fact]
    public async Task A_refresh_token_the_registry_no_longer_takes_is_exchanged_again_once()
    {
        acr.AddImage("team/app", "1");
        var other = acr.AddImage("team/other", "1");
        var third = acr.AddImage("team/third", "1");
        var client = Client();
        await client.ResolveDigestAsync(Ref("team/app:1"), default);

        acr.RevokeRefreshTokens();
        Assert.Equal(other.Manifest, await client.ResolveDigestAsync(Ref("team/other:1"), default));
        Assert.Equal(2, acr.Exchanges.Count);

        // The new refresh token is kept.
        Assert.Equal(third.Manifest, await client.ResolveDigestAsync(Ref("team/third:1"), default));
        Assert.Equal(2, acr.Exchanges.Count);
    }

    [Fact]
    public async Task A_cross_repository_mount_asks_for_push_on_the_target_and_pull_on_the_source_only()
    {
        var source = acr.AddImage("bases/tool", "1");
        var client = Client();

        var mounted = await client.MountBlobAsync(acr.Host, "managed/tool", source.Blob, "bases/tool", default);

        Assert.True(mounted);
        var scopes = acr.TokenRequests.Last();
        Assert.Equal(["repository:bases/tool:pull", "repository:managed/tool:pull,push"], scopes.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Without_the_right_on_a_repository_the_token_does_not_open_it()
    {
        acr.AddImage("team/app", "1");
        acr.Rights.Clear();
        acr.Rights["team/other"] = ["pull"];
        var client = Client();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveDigestAsync(Ref("team/app:1"), default));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.Status);
    }

    [Fact]
    public async Task A_refused_exchange_is_a_clear_error_that_does_not_repeat_the_token()
    {
        acr.AddImage("team/app", "1");
        entra.Token = "not-the-token-acr-accepts-" + Guid.NewGuid();
        var client = Client();

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveDigestAsync(Ref("team/app:1"), default));

        Assert.Contains($"http://{acr.Host}/oauth2/exchange", error.Message, StringComparison.Ordinal);
        Assert.Contains("401", error.Message, StringComparison.Ordinal);
        Assert.Contains("UNAUTHORIZED", error.Message, StringComparison.Ordinal);
        Assert.Contains("AcrPull", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(entra.Token, error.ToString(), StringComparison.Ordinal);
        Assert.Empty(acr.TokenRequests);
    }

    [Fact]
    public async Task A_host_not_listed_for_Entra_ID_never_asks_for_an_Entra_ID_token()
    {
        acr.AddImage("team/app", "1");
        var client = Client();
        var elsewhere = ImageReference.Parse($"localhost:{acr.Host.Split(':')[1]}/team/app:1");

        // Same server under a name not in Registry:Acr:Hosts: an anonymous token request, refused; no identity used.
        await Assert.ThrowsAsync<RegistryException>(() => client.ResolveDigestAsync(elsewhere, default));

        Assert.Empty(entra.Requests);
        Assert.Empty(acr.Exchanges);
    }

    /// <summary>The Azure SDK's seam for identities: answers with a fixed Entra ID token and records what was asked.</summary>
    private sealed class FakeEntraCredential : TokenCredential
    {
        public string Token { get; set; } = "";

        public List<TokenRequestContext> Requests { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(requestContext);
            return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
