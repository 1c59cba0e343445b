using System.Net;
using System.Text;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Core.Tests.Registry;

public class RegistryAuthTests
{
    private const string Realm = "https://auth.example.com/token";
    private static readonly Digest ManifestDigest = Digest.Sha256("{}"u8);

    /// <summary>A registry that wants a bearer token naming exactly the repository's pull scope.</summary>
    private static FakeRegistryHandler BearerRegistry(List<string> tokenRequests, int expiresIn = 300) => new((request, _) =>
    {
        var uri = request.RequestUri!;
        if (uri.Host == "auth.example.com")
        {
            var query = Uri.UnescapeDataString(uri.Query.TrimStart('?'));
            lock (tokenRequests) tokenRequests.Add(query);
            var scopes = query.Split('&').Where(p => p.StartsWith("scope=", StringComparison.Ordinal)).Select(p => p[6..]);
            return FakeRegistryHandler.Json(HttpStatusCode.OK, $$"""{"token":"tok {{string.Join(' ', scopes)}}","expires_in":{{expiresIn}}}""");
        }

        var repository = uri.AbsolutePath.Split("/manifests/")[0]["/v2/".Length..];
        var wanted = $"repository:{repository}:pull";
        if (request.Headers.Authorization?.ToString() is { } auth && auth.StartsWith("Bearer tok ", StringComparison.Ordinal) && auth.Contains(wanted, StringComparison.Ordinal))
        {
            var ok = FakeRegistryHandler.Status(HttpStatusCode.OK);
            ok.Headers.Add("Docker-Content-Digest", ManifestDigest.ToString());
            return ok;
        }
        var challenge = FakeRegistryHandler.Status(HttpStatusCode.Unauthorized);
        challenge.Headers.WwwAuthenticate.ParseAdd($"Bearer realm=\"{Realm}\",service=\"registry.example.com\",scope=\"{wanted}\"");
        return challenge;
    });

    [Fact]
    public async Task A_bearer_challenge_is_answered_with_a_token_for_the_narrowest_scope_and_the_token_is_reused()
    {
        var tokenRequests = new List<string>();
        var handler = BearerRegistry(tokenRequests);
        var client = TestRegistryClient.Create(handler);

        var first = await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/team/app:1"), default);
        var second = await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/team/app:2"), default);

        Assert.Equal(ManifestDigest, first);
        Assert.Equal(ManifestDigest, second);
        Assert.Equal(["service=registry.example.com&scope=repository:team/app:pull"], tokenRequests);
        // One challenge, then the token goes along up front.
        Assert.Equal(1, handler.Requests.Count(r => r.Uri.Host == TestRegistryClient.Host && r.Authorization is null));
        Assert.Equal(2, handler.Requests.Count(r => r.Uri.Host == TestRegistryClient.Host && r.Authorization is not null));
    }

    [Fact]
    public async Task Tokens_are_cached_per_scope_so_another_repository_gets_its_own_token()
    {
        var tokenRequests = new List<string>();
        var client = TestRegistryClient.Create(BearerRegistry(tokenRequests));

        await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/team/app:1"), default);
        await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/team/other:1"), default);
        await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/team/app:1"), default);

        Assert.Equal(
            ["service=registry.example.com&scope=repository:team/app:pull", "service=registry.example.com&scope=repository:team/other:pull"],
            tokenRequests);
    }

    [Fact]
    public async Task An_expired_token_is_fetched_again()
    {
        var tokenRequests = new List<string>();
        var time = new ManualTimeProvider();
        var client = TestRegistryClient.Create(BearerRegistry(tokenRequests, expiresIn: 60), time: time);
        var reference = ImageReference.Parse("registry.example.com/team/app:1");

        await client.ResolveDigestAsync(reference, default);
        time.Now += TimeSpan.FromSeconds(30);
        await client.ResolveDigestAsync(reference, default);
        Assert.Single(tokenRequests);

        time.Now += TimeSpan.FromSeconds(31);
        await client.ResolveDigestAsync(reference, default);
        Assert.Equal(2, tokenRequests.Count);
    }

    [Fact]
    public async Task A_mount_asks_for_push_on_the_target_and_pull_on_the_source()
    {
        var tokenRequests = new List<string>();
        var handler = new FakeRegistryHandler((request, _) =>
        {
            if (request.RequestUri!.Host == "auth.example.com")
            {
                tokenRequests.Add(Uri.UnescapeDataString(request.RequestUri.Query.TrimStart('?')));
                return FakeRegistryHandler.Json(HttpStatusCode.OK, """{"access_token":"t"}""");
            }
            if (request.Headers.Authorization is null)
            {
                var challenge = FakeRegistryHandler.Status(HttpStatusCode.Unauthorized);
                challenge.Headers.WwwAuthenticate.ParseAdd($"Bearer realm=\"{Realm}\",service=\"reg\"");
                return challenge;
            }
            return FakeRegistryHandler.Status(HttpStatusCode.Created);
        });
        var client = TestRegistryClient.Create(handler);

        var mounted = await client.MountBlobAsync(TestRegistryClient.Host, "managed/app", ManifestDigest, "base/os", default);

        Assert.True(mounted);
        Assert.Equal(["service=reg&scope=repository:managed/app:pull,push&scope=repository:base/os:pull"], tokenRequests);
    }

    [Fact]
    public async Task Basic_auth_sends_the_hosts_credentials_after_the_challenge_and_up_front_afterwards()
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:s3cret"));
        var handler = new FakeRegistryHandler((request, _) =>
        {
            if (request.Headers.Authorization?.ToString() == expected)
            {
                var ok = FakeRegistryHandler.Status(HttpStatusCode.OK);
                ok.Headers.Add("Docker-Content-Digest", ManifestDigest.ToString());
                return ok;
            }
            var challenge = FakeRegistryHandler.Status(HttpStatusCode.Unauthorized);
            challenge.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"Registry Realm\"");
            return challenge;
        });
        var client = TestRegistryClient.Create(handler, options =>
            options.Credentials[TestRegistryClient.Host] = new RegistryCredential { Username = "alice", Password = "s3cret" });

        await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/app:1"), default);
        await client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/app:2"), default);

        Assert.Equal([null, expected, expected], handler.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task Basic_auth_without_credentials_fails_with_401_and_says_to_configure_them()
    {
        var handler = new FakeRegistryHandler((_, _) =>
        {
            var challenge = FakeRegistryHandler.Json(HttpStatusCode.Unauthorized,
                """{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}""");
            challenge.Headers.WwwAuthenticate.ParseAdd("Basic realm=\"Registry Realm\"");
            return challenge;
        });
        var client = TestRegistryClient.Create(handler);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveDigestAsync(ImageReference.Parse("registry.example.com/app:1"), default));

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal("UNAUTHORIZED", error.Code);
        Assert.Contains("Registry:Credentials", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }
}
