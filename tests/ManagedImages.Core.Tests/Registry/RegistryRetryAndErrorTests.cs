using System.Diagnostics;
using System.Net;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Core.Tests.Registry;

public class RegistryRetryAndErrorTests
{
    private static readonly Digest Digest = Digest.Sha256("{}"u8);
    private static readonly ImageReference Reference = ImageReference.Parse("registry.example.com/team/app:1");

    private static HttpResponseMessage Found()
    {
        var ok = FakeRegistryHandler.Status(HttpStatusCode.OK);
        ok.Headers.Add("Docker-Content-Digest", Digest.ToString());
        return ok;
    }

    [Fact]
    public async Task A_429_is_retried_after_the_delay_its_Retry_After_header_asks_for()
    {
        var calls = 0;
        var handler = new FakeRegistryHandler((_, _) =>
        {
            if (Interlocked.Increment(ref calls) > 1) return Found();
            var busy = FakeRegistryHandler.Json(HttpStatusCode.TooManyRequests, """{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}""");
            busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
            return busy;
        });
        var client = TestRegistryClient.Create(handler);

        var watch = Stopwatch.StartNew();
        var digest = await client.ResolveDigestAsync(Reference, default);

        Assert.Equal(Digest, digest);
        Assert.Equal(2, handler.Requests.Count);
        // The configured delay is 1 ms: only the header explains waiting a second.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"retried after {watch.Elapsed}");
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_registry_answers()
    {
        var calls = 0;
        var handler = new FakeRegistryHandler((_, _) =>
            Interlocked.Increment(ref calls) <= 2 ? FakeRegistryHandler.Status(HttpStatusCode.InternalServerError) : Found());
        var client = TestRegistryClient.Create(handler);

        Assert.Equal(Digest, await client.ResolveDigestAsync(Reference, default));
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task A_connection_reset_is_retried()
    {
        var calls = 0;
        var handler = new FakeRegistryHandler((_, _) =>
            Interlocked.Increment(ref calls) == 1 ? throw new HttpRequestException("connection reset") : Found());
        var client = TestRegistryClient.Create(handler);

        Assert.Equal(Digest, await client.ResolveDigestAsync(Reference, default));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Server_errors_that_persist_end_in_a_RegistryException_after_the_configured_retries()
    {
        var handler = new FakeRegistryHandler((_, _) => FakeRegistryHandler.Status(HttpStatusCode.ServiceUnavailable));
        var client = TestRegistryClient.Create(handler, options => options.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.ResolveDigestAsync(Reference, default));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Not_found_means_null_for_a_digest_and_for_a_manifest()
    {
        var handler = new FakeRegistryHandler((_, _) =>
            FakeRegistryHandler.Json(HttpStatusCode.NotFound, """{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"""));
        var client = TestRegistryClient.Create(handler);

        Assert.Null(await client.ResolveDigestAsync(Reference, default));
        Assert.Null(await client.GetManifestAsync(Reference, default));
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_400_is_not_retried_and_carries_the_registrys_code_and_message_and_names_the_operation()
    {
        var handler = new FakeRegistryHandler((_, _) => FakeRegistryHandler.Json(HttpStatusCode.BadRequest,
            """{"errors":[{"code":"MANIFEST_INVALID","message":"manifest invalid","detail":{}}]}"""));
        var client = TestRegistryClient.Create(handler);

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            client.PutManifestAsync(Reference, MediaTypes.OciManifest, "{}"u8.ToArray(), default));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("MANIFEST_INVALID", error.Code);
        Assert.Equal("manifest invalid", error.RegistryMessage);
        Assert.Contains("Pushing manifest registry.example.com/team/app:1", error.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Manifest_requests_accept_every_manifest_media_type()
    {
        string[] accepted = [];
        var handler = new FakeRegistryHandler((request, _) =>
        {
            accepted = [.. request.Headers.Accept.Select(a => a.MediaType!)];
            return Found();
        });
        var client = TestRegistryClient.Create(handler);

        await client.ResolveDigestAsync(Reference, default);

        Assert.Equal(MediaTypes.AllManifests.Order(), accepted.Order());
    }

    [Theory]
    [InlineData("127.0.0.1:5000/app:1", "http://127.0.0.1:5000/v2/app/manifests/1")]
    [InlineData("localhost:5123/app:1", "http://localhost:5123/v2/app/manifests/1")]
    [InlineData("plain.example.com:8080/app:1", "http://plain.example.com:8080/v2/app/manifests/1")]
    [InlineData("registry.example.com/app:1", "https://registry.example.com/v2/app/manifests/1")]
    [InlineData("busybox:1.36", "https://registry-1.docker.io/v2/library/busybox/manifests/1.36")]
    public async Task Requests_go_over_the_scheme_and_host_the_registry_needs(string reference, string expectedUri)
    {
        var handler = new FakeRegistryHandler((_, _) => Found());
        var client = TestRegistryClient.Create(handler, options => options.PlainHttp.Add("plain.example.com:8080"));

        await client.ResolveDigestAsync(ImageReference.Parse(reference), default);

        Assert.Equal(expectedUri, handler.Requests.Single().Uri.ToString());
    }
}
