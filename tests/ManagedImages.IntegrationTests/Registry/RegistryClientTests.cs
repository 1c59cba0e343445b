using System.Net;
using System.Text;
using System.Text.Json;
using ManagedImages.Oci;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.IntegrationTests.Registry;

/// <summary>The registry client against the stack's real distribution registry.</summary>
[Trait("Category", "Stack")]
public sealed class RegistryClientTests : IDisposable
{
    private readonly RequestLog log = new();
    private ServiceProvider? provider;

    public void Dispose()
    {
        provider?.Dispose();
        log.Dispose();
    }

    private async Task<(RegistryClient Client, string Registry)> CreateAsync(int tagsPageSize = 1000)
    {
        var registry = await LocalStack.RequireRegistryAsync();
        var services = new ServiceCollection();
        services.AddRegistryClient(LocalStack.Configuration(new Dictionary<string, string?>
        {
            ["Registry:TagsPageSize"] = tagsPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })).AddHttpMessageHandler(() => log);
        provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<RegistryClient>(), registry);
    }

    private static string UniqueRepository() => UniqueNames.Of("it-oci") + "/x";

    private static Descriptor Blob(byte[] bytes, string mediaType = MediaTypes.OciLayer) =>
        new(mediaType, Digest.Sha256(bytes).ToString(), bytes.Length);

    /// <summary>Pushes a config and a layer and returns an OCI manifest over them.</summary>
    private static async Task<byte[]> PushImageContentAsync(RegistryClient client, string registry, string repository, string label)
    {
        var config = Encoding.UTF8.GetBytes($$$"""{"architecture":"amd64","os":"linux","config":{"Labels":{"it":"{{{label}}}"}},"rootfs":{"type":"layers","diff_ids":[]}}""");
        var layer = Encoding.UTF8.GetBytes("layer of " + label);
        foreach (var bytes in new[] { config, layer })
            await client.PushBlobAsync(registry, repository, Digest.Sha256(bytes), bytes.Length, new MemoryStream(bytes), default);
        var manifest = new ImageManifest(MediaTypes.OciManifest, Blob(config, MediaTypes.OciConfig), [Blob(layer)]);
        return JsonSerializer.SerializeToUtf8Bytes(manifest);
    }

    [Fact]
    public async Task A_small_blob_pushed_is_found_by_HEAD_and_read_back_verified()
    {
        var (client, registry) = await CreateAsync();
        var repository = UniqueRepository();
        var bytes = Encoding.UTF8.GetBytes("small blob " + repository);
        var descriptor = Blob(bytes);
        var digest = Digest.Parse(descriptor.Digest);

        Assert.False(await client.BlobExistsAsync(registry, repository, digest, default));
        await client.PushBlobAsync(registry, repository, digest, bytes.Length, new MemoryStream(bytes), default);

        Assert.True(await client.BlobExistsAsync(registry, repository, digest, default));
        Assert.Equal(bytes, await client.GetBlobBytesAsync(registry, repository, descriptor, default));
        // Pushing again is a HEAD and nothing more.
        log.Clear();
        await client.PushBlobAsync(registry, repository, digest, bytes.Length, new MemoryStream(bytes), default);
        Assert.Equal(["HEAD"], log.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task A_blob_larger_than_a_chunk_is_streamed_in_chunks_and_reads_back_with_its_digest()
    {
        var (client, registry) = await CreateAsync();
        var repository = UniqueRepository();
        const long size = 8L * 1024 * 1024 + 123_457;
        var seed = Random.Shared.Next();
        var digest = await GeneratedContent.DigestOfAsync(seed, size);

        await using (var content = new GeneratedContent(seed, size))
            await client.PushBlobAsync(registry, repository, digest, size, content, default);

        var patches = log.Requests.Where(r => r.Method == "PATCH").ToList();
        Assert.Equal([8L * 1024 * 1024, 123_457], patches.Select(p => p.BodyLength));
        await using var stream = await client.OpenBlobAsync(registry, repository, new Descriptor(MediaTypes.OciLayer, digest.ToString(), size), default);
        Assert.Equal(digest, await Digest.Sha256Async(stream));
    }

    [Fact]
    public async Task A_manifest_pushed_by_tag_resolves_by_HEAD_and_reads_back_by_tag_and_by_digest()
    {
        var (client, registry) = await CreateAsync();
        var repository = UniqueRepository();
        var manifest = await PushImageContentAsync(client, registry, repository, "one");
        var tagged = ImageReference.Parse($"{registry}/{repository}:v1");

        var digest = await client.PutManifestAsync(tagged, MediaTypes.OciManifest, manifest, default);

        Assert.Equal(Digest.Sha256(manifest), digest);
        Assert.Equal(digest, await client.ResolveDigestAsync(tagged, default));
        var byTag = await client.GetManifestAsync(tagged, default);
        var byDigest = await client.GetManifestAsync(tagged.WithDigest(digest), default);
        Assert.NotNull(byTag);
        Assert.NotNull(byDigest);
        Assert.Equal(MediaTypes.OciManifest, byTag.MediaType);
        Assert.Equal(manifest, byTag.Bytes);
        Assert.Equal(digest, byDigest.Digest);
        Assert.Equal(manifest, byDigest.Bytes);
    }

    [Fact]
    public async Task An_unknown_tag_or_repository_resolves_to_null()
    {
        var (client, registry) = await CreateAsync();

        Assert.Null(await client.ResolveDigestAsync(ImageReference.Parse($"{registry}/{UniqueRepository()}:nope"), default));
        Assert.Null(await client.GetManifestAsync(ImageReference.Parse($"{registry}/{UniqueRepository()}:nope"), default));
        Assert.Empty(await client.ListTagsAsync(registry, UniqueRepository(), default));
    }

    [Fact]
    public async Task A_manifest_naming_a_missing_blob_is_refused_with_the_registrys_error_code()
    {
        var (client, registry) = await CreateAsync();
        var missing = Blob("never pushed"u8.ToArray());
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new ImageManifest(MediaTypes.OciManifest, missing with { MediaType = MediaTypes.OciConfig }, [missing]));
        var reference = ImageReference.Parse($"{registry}/{UniqueRepository()}:broken");

        var error = await Assert.ThrowsAsync<RegistryException>(() => client.PutManifestAsync(reference, MediaTypes.OciManifest, manifest, default));

        Assert.Equal(HttpStatusCode.BadRequest, error.Status);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", error.Code);
        Assert.Contains(reference.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blob_is_mounted_into_another_repository_without_uploading_its_bytes()
    {
        var (client, registry) = await CreateAsync();
        var source = UniqueRepository();
        var target = UniqueRepository();
        var bytes = Encoding.UTF8.GetBytes("mount me " + source);
        var digest = Digest.Sha256(bytes);
        await client.PushBlobAsync(registry, source, digest, bytes.Length, new MemoryStream(bytes), default);
        log.Clear();

        Assert.True(await client.MountBlobAsync(registry, target, digest, source, default));

        Assert.True(await client.BlobExistsAsync(registry, target, digest, default));
        Assert.DoesNotContain(log.Requests, r => r.Method is "PATCH" or "PUT");
        Assert.Equal(bytes, await client.GetBlobBytesAsync(registry, target, Blob(bytes), default));
    }

    [Fact]
    public async Task A_mount_of_a_blob_the_source_lacks_reports_false()
    {
        var (client, registry) = await CreateAsync();
        var digest = Digest.Sha256(Encoding.UTF8.GetBytes("nowhere " + Guid.NewGuid()));
        var target = UniqueRepository();

        Assert.False(await client.MountBlobAsync(registry, target, digest, UniqueRepository(), default));
        Assert.False(await client.BlobExistsAsync(registry, target, digest, default));
        // The upload the registry opened instead is cancelled.
        Assert.Contains(log.Requests, r => r.Method == "DELETE" && r.PathAndQuery.Contains("/blobs/uploads/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Copying_a_blob_within_one_registry_mounts_it_and_a_second_copy_does_nothing()
    {
        var (client, registry) = await CreateAsync();
        var from = ImageReference.Parse($"{registry}/{UniqueRepository()}");
        var to = ImageReference.Parse($"{registry}/{UniqueRepository()}");
        var bytes = Encoding.UTF8.GetBytes("copy me " + from);
        await client.PushBlobAsync(registry, from.Repository, Digest.Sha256(bytes), bytes.Length, new MemoryStream(bytes), default);
        log.Clear();

        await client.CopyBlobAsync(from, to, Blob(bytes), default);
        await client.CopyBlobAsync(from, to, Blob(bytes), default);

        Assert.Equal(["HEAD", "POST", "HEAD"], log.Requests.Select(r => r.Method));
        Assert.Contains("mount=", log.Requests[1].PathAndQuery, StringComparison.Ordinal);
        Assert.True(await client.BlobExistsAsync(registry, to.Repository, Digest.Sha256(bytes), default));
    }

    // Distribution 2.8 ignores n for tags (it pages only the catalog), so this registry answers in one page; the
    // Link-header paging itself is covered by a unit test (RegistryTagsPagingTests).
    [Fact]
    public async Task All_tags_are_listed_when_asking_for_pages_of_two()
    {
        var (client, registry) = await CreateAsync(tagsPageSize: 2);
        var repository = UniqueRepository();
        var manifest = await PushImageContentAsync(client, registry, repository, "tags");
        string[] tags = ["a1", "a2", "b1", "b2", "c1"];
        foreach (var tag in tags)
            await client.PutManifestAsync(ImageReference.Parse($"{registry}/{repository}:{tag}"), MediaTypes.OciManifest, manifest, default);
        log.Clear();

        var listed = await client.ListTagsAsync(registry, repository, default);

        Assert.Equal(tags, listed.Order(StringComparer.Ordinal));
        Assert.Contains("/tags/list?n=2", log.Requests[0].PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_deleted_by_digest_no_longer_resolves()
    {
        var (client, registry) = await CreateAsync();
        var repository = UniqueRepository();
        var manifest = await PushImageContentAsync(client, registry, repository, "delete");
        var digest = await client.PutManifestAsync(ImageReference.Parse($"{registry}/{repository}:gone"), MediaTypes.OciManifest, manifest, default);
        var pinned = ImageReference.Parse($"{registry}/{repository}").WithDigest(digest);
        Assert.Equal(digest, await client.ResolveDigestAsync(pinned, default));

        await client.DeleteManifestAsync(pinned, default);

        Assert.Null(await client.ResolveDigestAsync(pinned, default));
        // Deleting again is harmless (activities run at least once).
        await client.DeleteManifestAsync(pinned, default);
    }
}
