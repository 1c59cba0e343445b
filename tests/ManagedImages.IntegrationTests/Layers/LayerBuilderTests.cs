using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using ManagedImages.TestSupport;

namespace ManagedImages.IntegrationTests.Layers;

[Trait("Category", "Stack")]
public sealed class LayerBuilderTests(LayerBuilderFixture fixture) : IClassFixture<LayerBuilderFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    internal static Registration Greeter(string baseTag) => new()
    {
        Base = baseTag,
        Files =
        [
            new FileSpec { Path = "/etc/greeting", Content = "hello from custom\n" },
            new FileSpec
            {
                Path = "/usr/local/bin/greet",
                Mode = "0755",
                Content = "#!/bin/sh\n" +
                          "echo \"$GREETING $(cat /etc/greeting) base=$(cat /etc/base-version)\"\n" +
                          "if [ -e /bin/ls ]; then echo ls-present; else echo ls-removed; fi\n",
            },
        ],
        Remove = ["/bin/ls"],
        Env = new Dictionary<string, string> { ["GREETING"] = "hi" },
        Entrypoint = ["/usr/local/bin/greet"],
        Labels = new Dictionary<string, string> { ["team"] = "layers" },
    };

    private static string NewNickname() => UniqueNames.Of("greeter");

    private BuildRequest Request(string nickname, int version, int baseVersion, Registration? registration = null, long revision = 1) =>
        new(nickname, version, revision, registration ?? Greeter(fixture.Base.Tag.ToString()), fixture.Base.Version(baseVersion).Digest);

    private async Task<(JsonObject Manifest, JsonObject Config)> ReadImageAsync(string image, CancellationToken cancellationToken)
    {
        var reference = ImageReference.Parse(image);
        var content = await fixture.Client.GetManifestAsync(reference, cancellationToken) ?? throw new InvalidOperationException($"{image} is missing");
        Assert.Equal(MediaTypes.OciManifest, content.MediaType);
        var manifest = JsonNode.Parse(content.Bytes)!.AsObject();
        var configDescriptor = manifest["config"].Deserialize<Descriptor>()!;
        var config = await fixture.Client.GetBlobBytesAsync(reference.Registry, reference.Repository, configDescriptor, cancellationToken);
        return (manifest, JsonNode.Parse(config)!.AsObject());
    }

    private async Task<ImageManifest> ReadManifestAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        var content = await fixture.Client.GetManifestAsync(reference, cancellationToken) ?? throw new InvalidOperationException($"{reference} is missing");
        return JsonSerializer.Deserialize<ImageManifest>(content.Bytes)!;
    }

    private static List<string?> Digests(JsonObject manifest) => [.. manifest["layers"]!.AsArray().Select(l => (string?)l!["digest"])];

    private static List<string?> Strings(JsonNode? array) => [.. array!.AsArray().Select(n => (string?)n)];

    [Fact]
    public async Task Version_1_carries_the_base_annotations_the_registered_config_and_one_layer_more_than_the_base()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var nickname = NewNickname();

        var built = await fixture.Builder.BuildAsync(Request(nickname, 1, baseVersion: 1), timeout.Token);

        Assert.Equal($"{fixture.Registry}/it-layers/{nickname}@{built.Digest}", built.Image);
        Assert.Equal(fixture.Base.Version1.Digest, built.BaseDigest);
        Assert.Equal(Digest.Parse(built.Digest), await fixture.Client.ResolveDigestAsync(ImageReference.Parse($"{fixture.Registry}/it-layers/{nickname}:v1"), timeout.Token));

        var (manifest, config) = await ReadImageAsync(built.Image, timeout.Token);
        var annotations = manifest["annotations"]!.AsObject();
        Assert.Equal(fixture.Base.Tag.ToString(), (string?)annotations[AnnotationKeys.BaseName]);
        Assert.Equal(fixture.Base.Version1.Digest, (string?)annotations[AnnotationKeys.BaseDigest]);
        Assert.Equal(nickname, (string?)annotations[AnnotationKeys.Nickname]);
        Assert.Equal("1", (string?)annotations[AnnotationKeys.Version]);
        Assert.Equal("1", (string?)annotations[AnnotationKeys.Revision]);

        var baseManifest = await ReadManifestAsync(fixture.Base.Tag.WithDigest(Digest.Parse(fixture.Base.Version1.Digest)), timeout.Token);
        var layers = manifest["layers"]!.AsArray();
        Assert.Equal(baseManifest.Layers.Count + 1, layers.Count);
        Assert.Equal(baseManifest.Layers.Select(l => l.Digest), Digests(manifest).Take(baseManifest.Layers.Count));
        Assert.Equal(MediaTypes.OciLayerGzip, (string?)layers[^1]!["mediaType"]);

        Assert.Equal(["/usr/local/bin/greet"], Strings(config["config"]!["Entrypoint"]));
        Assert.Null(config["config"]!["Cmd"]); // the base's "sh" would be an argument to the new entrypoint
        Assert.Contains("GREETING=hi", Strings(config["config"]!["Env"]));
        Assert.Contains(Strings(config["config"]!["Env"]), e => e!.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.Equal("layers", (string?)config["config"]!["Labels"]!["team"]);
        Assert.Equal(layers.Count, config["rootfs"]!["diff_ids"]!.AsArray().Count);
    }

    [Fact]
    public async Task Building_the_same_request_twice_gives_the_same_digest()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var request = Request(NewNickname(), 1, baseVersion: 1);

        var first = await fixture.Builder.BuildAsync(request, timeout.Token);
        var second = await fixture.Builder.BuildAsync(request, timeout.Token);

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Two_nicknames_with_the_same_customizations_get_the_same_custom_layer()
    {
        using var timeout = new CancellationTokenSource(Timeout);

        var first = await fixture.Builder.BuildAsync(Request(NewNickname(), 1, baseVersion: 1), timeout.Token);
        var second = await fixture.Builder.BuildAsync(Request(NewNickname(), 1, baseVersion: 1), timeout.Token);

        Assert.Equal(Digests((await ReadImageAsync(first.Image, timeout.Token)).Manifest)[^1], Digests((await ReadImageAsync(second.Image, timeout.Token)).Manifest)[^1]);
    }

    [Fact]
    public async Task Rebuilding_on_base_2_references_the_new_base_layers_and_keeps_the_custom_layer()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var nickname = NewNickname();

        var version1 = await fixture.Builder.BuildAsync(Request(nickname, 1, baseVersion: 1), timeout.Token);
        var version2 = await fixture.Builder.BuildAsync(Request(nickname, 2, baseVersion: 2), timeout.Token);

        Assert.NotEqual(version1.Digest, version2.Digest);
        Assert.Equal(fixture.Base.Version2.Digest, version2.BaseDigest);
        var (manifest1, config1) = await ReadImageAsync(version1.Image, timeout.Token);
        var (manifest2, config2) = await ReadImageAsync(version2.Image, timeout.Token);
        var base2 = await ReadManifestAsync(fixture.Base.Tag.WithDigest(Digest.Parse(fixture.Base.Version2.Digest)), timeout.Token);

        Assert.Equal([.. base2.Layers.Select(l => l.Digest), Digests(manifest1)[^1]], Digests(manifest2));
        Assert.NotEqual(Digests(manifest1)[0], Digests(manifest2)[0]);
        Assert.Equal(fixture.Base.Version2.Digest, (string?)manifest2["annotations"]![AnnotationKeys.BaseDigest]);
        Assert.Equal("2", (string?)manifest2["annotations"]![AnnotationKeys.Version]);
        Assert.Equal(Strings(config1["rootfs"]!["diff_ids"])[^1], Strings(config2["rootfs"]!["diff_ids"])[^1]);
        Assert.Equal(ImageReference.Parse($"{fixture.Registry}/it-layers/{nickname}:v2").WithDigest(Digest.Parse(version2.Digest)).ToString(), version2.Image);
    }

    [Fact]
    public async Task Base_layers_are_mounted_into_the_custom_repository_not_uploaded()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var nickname = NewNickname();

        var built = await fixture.Builder.BuildAsync(Request(nickname, 1, baseVersion: 1), timeout.Token);

        var baseManifest = await ReadManifestAsync(fixture.Base.Tag.WithDigest(Digest.Parse(fixture.Base.Version1.Digest)), timeout.Token);
        var baseLayers = baseManifest.Layers.Select(l => l.Digest).ToHashSet();
        var requests = fixture.Requests.For($"it-layers/{nickname}");
        var mounted = requests
            .Where(r => r.Method == HttpMethod.Post && r.Query("mount") is not null && r.Status == HttpStatusCode.Created)
            .Select(r => r.Query("mount")!)
            .ToHashSet();
        var uploaded = requests.Where(r => r.Method == HttpMethod.Put && r.Query("digest") is not null).Select(r => r.Query("digest")!).ToList();
        var (manifest, _) = await ReadImageAsync(built.Image, timeout.Token);

        Assert.Subset(baseLayers, mounted);
        Assert.DoesNotContain(uploaded, baseLayers.Contains);
        Assert.Contains(Digests(manifest)[^1], uploaded); // the custom layer was uploaded: the log does see uploads
        Assert.DoesNotContain(requests, r => r.Method == HttpMethod.Patch && baseLayers.Any(l => r.Uri.AbsoluteUri.Contains(l, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_base_that_is_an_image_index_builds_on_its_linux_amd64_manifest()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var repository = new ImageReference(fixture.Registry, $"{UniqueNames.Of("it-bases")}/multi", null, null);
        var arm = await fixture.Scratch.PushAsync(repository, BaseImagesForIndex.Arm64Entries, new ScratchImageConfig { Platform = "linux/arm64/v8" }, timeout.Token);
        var amd = await BusyboxImage.PushAsync(fixture.Scratch, repository, "1", timeout.Token);
        var indexDigest = await PushIndexAsync(repository.WithTag("multi"), [arm, amd], timeout.Token);
        var nickname = NewNickname();

        var built = await fixture.Builder.BuildAsync(
            new BuildRequest(nickname, 1, 1, Greeter(repository.WithTag("multi").ToString()), indexDigest.ToString()), timeout.Token);

        var (manifest, config) = await ReadImageAsync(built.Image, timeout.Token);
        var amdManifest = await ReadManifestAsync(repository.WithDigest(Digest.Parse(amd.Digest)), timeout.Token);
        Assert.Equal([.. amdManifest.Layers.Select(l => l.Digest)], Digests(manifest).Take(amdManifest.Layers.Count));
        Assert.Equal("amd64", (string?)config["architecture"]);
        // The annotation keeps the digest the tag resolved to (the index), which is what freshness checks compare.
        Assert.Equal(indexDigest.ToString(), (string?)manifest["annotations"]![AnnotationKeys.BaseDigest]);
        Assert.Equal(indexDigest.ToString(), built.BaseDigest);
    }

    [Fact]
    public async Task An_image_index_without_linux_amd64_is_refused_with_the_platforms_it_has()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var repository = new ImageReference(fixture.Registry, $"{UniqueNames.Of("it-bases")}/arm-only", null, null);
        var arm = await fixture.Scratch.PushAsync(repository, BaseImagesForIndex.Arm64Entries, new ScratchImageConfig { Platform = "linux/arm64/v8" }, timeout.Token);
        var s390 = await fixture.Scratch.PushAsync(repository, BaseImagesForIndex.Arm64Entries, new ScratchImageConfig { Platform = "linux/s390x" }, timeout.Token);
        var indexDigest = await PushIndexAsync(repository.WithTag("multi"), [arm, s390], timeout.Token);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Builder.BuildAsync(
            new BuildRequest(NewNickname(), 1, 1, Greeter(repository.WithTag("multi").ToString()), indexDigest.ToString()), timeout.Token));

        Assert.Contains("linux/amd64", error.Message, StringComparison.Ordinal);
        Assert.Contains("linux/arm64/v8", error.Message, StringComparison.Ordinal);
        Assert.Contains("linux/s390x", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_tag_that_points_to_another_image_is_a_conflict_and_stays_as_it_was()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var nickname = NewNickname();
        var first = await fixture.Builder.BuildAsync(Request(nickname, 1, baseVersion: 1), timeout.Token);
        var changed = Greeter(fixture.Base.Tag.ToString()) with { Env = new Dictionary<string, string> { ["GREETING"] = "changed" } };

        var error = await Assert.ThrowsAsync<ImageTagConflictException>(
            () => fixture.Builder.BuildAsync(Request(nickname, 1, baseVersion: 1, changed, revision: 2), timeout.Token));

        Assert.Contains(":v1", error.Message, StringComparison.Ordinal);
        Assert.Equal(first.Digest, error.Existing);
        Assert.Equal(Digest.Parse(first.Digest), await fixture.Client.ResolveDigestAsync(ImageReference.Parse($"{fixture.Registry}/it-layers/{nickname}:v1"), timeout.Token));
    }

    [Fact]
    public async Task A_base_digest_the_registry_does_not_have_is_a_clear_error()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var missing = Digest.Sha256("no such manifest"u8).ToString();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Builder.BuildAsync(
            new BuildRequest(NewNickname(), 1, 1, Greeter(fixture.Base.Tag.ToString()), missing), timeout.Token));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    private async Task<Digest> PushIndexAsync(ImageReference tag, IReadOnlyList<Descriptor> manifests, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new ImageIndex(MediaTypes.OciIndex, manifests));
        return await fixture.Client.PutManifestAsync(tag, MediaTypes.OciIndex, bytes, cancellationToken);
    }

    private static class BaseImagesForIndex
    {
        public static readonly IReadOnlyList<LayerEntry> Arm64Entries =
            [LayerEntry.File("etc/platform", LayerEntry.DefaultFileMode, "not for this machine\n"u8.ToArray())];
    }
}
