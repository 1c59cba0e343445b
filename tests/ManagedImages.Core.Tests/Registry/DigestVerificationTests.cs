using System.Net;
using ManagedImages.Oci;
using ManagedImages.Registry;

namespace ManagedImages.Core.Tests.Registry;

public class DigestVerificationTests
{
    private static readonly byte[] Good = "the expected content"u8.ToArray();
    private static readonly byte[] Bad = "a tampered content!!"u8.ToArray(); // same length as Good
    private static readonly Descriptor GoodBlob = new(MediaTypes.OciLayer, Digest.Sha256(Good).ToString(), Good.Length);

    private static RegistryClient Serving(byte[] body, string? contentDigest = null) =>
        TestRegistryClient.Create(new FakeRegistryHandler((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
            response.Content.Headers.ContentType = new(MediaTypes.OciManifest);
            if (contentDigest is not null) response.Headers.Add("Docker-Content-Digest", contentDigest);
            return response;
        }));

    [Fact]
    public async Task A_blob_whose_bytes_do_not_match_its_digest_throws_instead_of_being_returned()
    {
        var client = Serving(Bad);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() =>
            client.GetBlobBytesAsync(TestRegistryClient.Host, "app", GoodBlob, default));

        Assert.Equal(Digest.Sha256(Good), error.Expected);
        Assert.Equal(Digest.Sha256(Bad), error.Actual);
    }

    [Fact]
    public async Task A_streamed_blob_throws_at_its_end_when_the_digest_differs()
    {
        var client = Serving(Bad);

        await using var stream = await client.OpenBlobAsync(TestRegistryClient.Host, "app", GoodBlob, default);

        await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null));
    }

    [Fact]
    public async Task A_blob_of_another_size_than_its_descriptor_says_throws()
    {
        var client = Serving([.. Good, .. "x"u8.ToArray()]);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() =>
            client.GetBlobBytesAsync(TestRegistryClient.Host, "app", GoodBlob, default));

        Assert.Equal(Good.Length + 1, error.ActualSize);
    }

    [Fact]
    public async Task A_matching_blob_is_returned_whole()
    {
        var client = Serving(Good);

        Assert.Equal(Good, await client.GetBlobBytesAsync(TestRegistryClient.Host, "app", GoodBlob, default));
    }

    [Fact]
    public async Task A_manifest_fetched_by_digest_that_does_not_hash_to_it_throws()
    {
        var client = Serving(Bad);
        var reference = ImageReference.Parse("registry.example.com/app").WithDigest(Digest.Sha256(Good));

        await Assert.ThrowsAsync<DigestMismatchException>(() => client.GetManifestAsync(reference, default));
    }

    [Fact]
    public async Task A_manifest_fetched_by_tag_is_checked_against_the_Docker_Content_Digest_header()
    {
        var client = Serving(Bad, contentDigest: Digest.Sha256(Good).ToString());

        await Assert.ThrowsAsync<DigestMismatchException>(() => client.GetManifestAsync(ImageReference.Parse("registry.example.com/app:1"), default));
    }

    [Fact]
    public async Task A_manifest_fetched_by_tag_carries_its_digest_and_media_type()
    {
        var client = Serving(Good, contentDigest: Digest.Sha256(Good).ToString());

        var manifest = await client.GetManifestAsync(ImageReference.Parse("registry.example.com/app:1"), default);

        Assert.NotNull(manifest);
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(Digest.Sha256(Good), manifest.Digest);
        Assert.Equal(Good, manifest.Bytes);
    }
}
