using System.Net;
using System.Security.Cryptography;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Core.Tests.Registry;

public class BlobUploadTests
{
    private const int ChunkSize = 1024;

    /// <summary>
    /// An upload endpoint that behaves like the distribution registry: POST opens a session, PATCH appends at the
    /// session's offset (Content-Range must continue it), GET reports the Range held, PUT ?digest= commits.
    /// </summary>
    private sealed class UploadRegistry
    {
        public MemoryStream Session { get; } = new();
        public byte[]? Committed { get; private set; }
        public int Patches { get; private set; }
        public Func<int, byte[], HttpResponseMessage?>? FailPatch { get; init; }

        public HttpResponseMessage Respond(HttpRequestMessage request, byte[] body)
        {
            var path = request.RequestUri!.AbsolutePath;
            if (request.Method == HttpMethod.Head) return FakeRegistryHandler.Status(Committed is null ? HttpStatusCode.NotFound : HttpStatusCode.OK);
            if (request.Method == HttpMethod.Post) return Accepted();
            if (request.Method == HttpMethod.Get && path.Contains("/uploads/", StringComparison.Ordinal))
            {
                var status = Accepted(HttpStatusCode.NoContent);
                return status;
            }
            if (request.Method == HttpMethod.Patch)
            {
                Patches++;
                var range = request.Content!.Headers.GetValues("Content-Range").Single();
                var start = long.Parse(range.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
                if (start != Session.Length) return FakeRegistryHandler.Status(HttpStatusCode.RequestedRangeNotSatisfiable);
                if (FailPatch?.Invoke(Patches, body) is { } failure) return failure;
                Session.Write(body);
                return Accepted();
            }
            if (request.Method == HttpMethod.Put)
            {
                Session.Write(body);
                var digest = Uri.UnescapeDataString(request.RequestUri.Query).Split("digest=")[1];
                if (Digest.Sha256(Session.ToArray()).ToString() != digest)
                    return FakeRegistryHandler.Json(HttpStatusCode.BadRequest, """{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]}""");
                Committed = Session.ToArray();
                return FakeRegistryHandler.Status(HttpStatusCode.Created);
            }
            return FakeRegistryHandler.Status(HttpStatusCode.MethodNotAllowed);
        }

        private HttpResponseMessage Accepted(HttpStatusCode status = HttpStatusCode.Accepted)
        {
            var response = FakeRegistryHandler.Status(status);
            response.Headers.Location = new Uri($"/v2/app/blobs/uploads/u1?_state={Session.Length}", UriKind.Relative);
            if (Session.Length > 0) response.Headers.TryAddWithoutValidation("Range", $"0-{Session.Length - 1}");
            return response;
        }
    }

    private static byte[] RandomBlob(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_large_blob_goes_in_chunks_of_the_configured_size()
    {
        var registry = new UploadRegistry();
        var handler = new FakeRegistryHandler(registry.Respond);
        var client = TestRegistryClient.Create(handler, options => options.ChunkSize = ChunkSize);
        var blob = RandomBlob(3 * ChunkSize + 100);

        await client.PushBlobAsync(TestRegistryClient.Host, "app", Digest.Sha256(blob), blob.Length, new MemoryStream(blob), default);

        Assert.Equal(blob, registry.Committed);
        Assert.Equal(["0-1023", "1024-2047", "2048-3071", "3072-3171"],
            handler.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => r.ContentRange));
    }

    [Fact]
    public async Task A_chunk_cut_off_by_a_connection_reset_resumes_from_the_range_the_session_reports()
    {
        var registry = new UploadRegistry();
        // The second PATCH: the registry keeps its first 300 bytes, then the connection drops.
        var handler = new FakeRegistryHandler((request, body) =>
        {
            if (request.Method == HttpMethod.Patch && registry.Patches == 1 && request.Content!.Headers.GetValues("Content-Range").Single() == "1024-2047")
            {
                registry.Session.Write(body.AsSpan(0, 300));
                throw new HttpRequestException("connection reset");
            }
            return registry.Respond(request, body);
        });
        var client = TestRegistryClient.Create(handler, options => options.ChunkSize = ChunkSize);
        var blob = RandomBlob(2 * ChunkSize + 10);

        await client.PushBlobAsync(TestRegistryClient.Host, "app", Digest.Sha256(blob), blob.Length, new MemoryStream(blob), default);

        Assert.Equal(blob, registry.Committed);
        var patches = handler.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => r.ContentRange).ToList();
        Assert.Equal(["0-1023", "1024-2047", "1324-2047", "2048-2057"], patches);
        Assert.Contains(handler.Requests, r => r.Method == HttpMethod.Get && r.Uri.AbsolutePath.Contains("/uploads/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_chunk_answered_with_a_server_error_is_resumed_not_blindly_resent()
    {
        var registry = new UploadRegistry
        {
            FailPatch = (patch, _) => patch == 2 ? FakeRegistryHandler.Status(HttpStatusCode.BadGateway) : null,
        };
        var handler = new FakeRegistryHandler(registry.Respond);
        var client = TestRegistryClient.Create(handler, options => options.ChunkSize = ChunkSize);
        var blob = RandomBlob(2 * ChunkSize);

        await client.PushBlobAsync(TestRegistryClient.Host, "app", Digest.Sha256(blob), blob.Length, new MemoryStream(blob), default);

        Assert.Equal(blob, registry.Committed);
        var methods = handler.Requests.Select(r => r.Method.Method).ToList();
        // HEAD, POST, PATCH, PATCH (502), GET (where are we?), PATCH again, PUT.
        Assert.Equal(["HEAD", "POST", "PATCH", "PATCH", "GET", "PATCH", "PUT"], methods);
    }

    [Fact]
    public async Task Content_that_does_not_match_its_digest_is_never_committed()
    {
        var registry = new UploadRegistry();
        var handler = new FakeRegistryHandler(registry.Respond);
        var client = TestRegistryClient.Create(handler, options => options.ChunkSize = ChunkSize);
        var blob = RandomBlob(2 * ChunkSize + 5);
        var claimed = Digest.FromSha256Hash(SHA256.HashData("something else"u8));

        await Assert.ThrowsAsync<DigestMismatchException>(() =>
            client.PushBlobAsync(TestRegistryClient.Host, "app", claimed, blob.Length, new MemoryStream(blob), default));

        Assert.Null(registry.Committed);
        Assert.DoesNotContain(handler.Requests, r => r.Method == HttpMethod.Put);
        Assert.Contains(handler.Requests, r => r.Method == HttpMethod.Delete);
    }

    [Fact]
    public async Task A_stream_shorter_than_the_declared_size_is_refused()
    {
        var registry = new UploadRegistry();
        var client = TestRegistryClient.Create(new FakeRegistryHandler(registry.Respond), options => options.ChunkSize = ChunkSize);
        var blob = RandomBlob(100);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() =>
            client.PushBlobAsync(TestRegistryClient.Host, "app", Digest.Sha256(blob), 200, new MemoryStream(blob), default));

        Assert.Equal(100, error.ActualSize);
        Assert.Null(registry.Committed);
    }
}
