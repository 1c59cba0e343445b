using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ManagedImages.Oci;
using Microsoft.Extensions.Options;

namespace ManagedImages.Registry;

/// <summary>
/// A client for the OCI distribution API: manifests, blobs, uploads, cross-repository mounts and tags. Everything
/// read is checked against its digest and size; transient failures are retried by the HTTP pipeline (see
/// <see cref="RegistryServiceCollectionExtensions.AddRegistryClient"/>) and uploads resume from the registry's state.
/// </summary>
public sealed partial class RegistryClient
{
    private readonly HttpClient http;
    private readonly RegistryOptions options;

    public RegistryClient(HttpClient http, IOptions<RegistryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        this.http = http;
        this.options = options.Value;
    }

    /// <summary>The digest a tag (or digest) points to now, from a HEAD of the manifest; null if there is none.</summary>
    public async Task<Digest?> ResolveDigestAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var operation = $"Resolving {reference}";
        using var request = NewRequest(HttpMethod.Head, ManifestUri(reference), PullScope(reference.Repository));
        AcceptManifests(request);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await RegistryErrorBody.ToExceptionAsync(response, operation, cancellationToken);

        if (ContentDigest(response) is { } digest)
        {
            if (reference.Digest is { } pinned && pinned != digest)
                throw new DigestMismatchException($"Manifest {reference}", pinned, digest);
            return digest;
        }
        // Some registries leave the header out of HEAD answers: the manifest itself tells.
        return (await GetManifestAsync(reference, cancellationToken))?.Digest;
    }

    /// <summary>The manifest (or index) a reference names, checked against its digest; null if there is none.</summary>
    public async Task<ManifestContent?> GetManifestAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var what = $"Manifest {reference}";
        using var request = NewRequest(HttpMethod.Get, ManifestUri(reference), PullScope(reference.Repository));
        AcceptManifests(request);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        if (!response.IsSuccessStatusCode) throw await RegistryErrorBody.ToExceptionAsync(response, $"Getting {reference}", cancellationToken);

        var bytes = await ReadBoundedAsync(response, options.MaxManifestBytes, what, cancellationToken);
        var expected = reference.Digest ?? ContentDigest(response);
        var actual = Hash(expected, bytes);
        if (expected is { } e && e != actual) throw new DigestMismatchException(what, e, actual);

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null or "application/json" or "application/octet-stream") mediaType = MediaTypeInside(bytes) ?? mediaType;
        if (mediaType is null) throw new RegistryException($"{what}: the registry gave no media type and the manifest names none.");
        return new ManifestContent(mediaType, actual, bytes);
    }

    /// <summary>Stores a manifest under a tag or its digest; returns its digest.</summary>
    public async Task<Digest> PutManifestAsync(ImageReference reference, string mediaType, byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        ArgumentNullException.ThrowIfNull(bytes);
        var digest = Hash(reference.Digest, bytes);
        if (reference.Digest is { } pinned && pinned != digest)
            throw new ArgumentException($"The manifest's digest is {digest}, not {pinned} as the reference {reference} says.", nameof(reference));

        var operation = $"Pushing manifest {reference}";
        using var request = NewRequest(HttpMethod.Put, ManifestUri(reference), PushScope(reference.Repository));
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await RegistryErrorBody.ToExceptionAsync(response, operation, cancellationToken);
        if (ContentDigest(response) is { } stored && stored != digest)
            throw new DigestMismatchException($"Manifest {reference} as stored", digest, stored);
        return digest;
    }

    /// <summary>Deletes a manifest by digest (registries delete by digest only). A manifest already gone is fine.</summary>
    public async Task DeleteManifestAsync(ImageReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Digest is null)
            throw new ArgumentException($"Deleting a manifest needs a reference by digest; '{reference}' has none (resolve it first).", nameof(reference));

        using var request = NewRequest(HttpMethod.Delete, ManifestUri(reference), [$"repository:{reference.Repository}:delete"]);
        using var response = await http.SendAsync(request, cancellationToken);
        // Activities run at least once: the second delete finds nothing, which is what was wanted.
        if (response.StatusCode == HttpStatusCode.NotFound) return;
        if (!response.IsSuccessStatusCode) throw await RegistryErrorBody.ToExceptionAsync(response, $"Deleting {reference}", cancellationToken);
    }

    public async Task<bool> BlobExistsAsync(string registry, string repository, Digest digest, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Head, BlobUri(registry, repository, digest), PullScope(repository));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return false;
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrorBody.ToExceptionAsync(response, $"Checking blob {digest} in {registry}/{repository}", cancellationToken);
        return true;
    }

    /// <summary>
    /// Streams a blob. The stream throws <see cref="DigestMismatchException"/> at its end if size or digest differ
    /// from the descriptor: read it to its end before trusting what was read.
    /// </summary>
    public async Task<Stream> OpenBlobAsync(string registry, string repository, Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var digest = ParseDescriptorDigest(descriptor);
        var what = $"Blob {digest} of {registry}/{repository}";
        using var request = NewRequest(HttpMethod.Get, BlobUri(registry, repository, digest), PullScope(repository));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            if (!response.IsSuccessStatusCode)
                throw await RegistryErrorBody.ToExceptionAsync(response, $"Getting blob {digest} of {registry}/{repository}", cancellationToken);
            if (response.Content.Headers.ContentLength is { } length && length != descriptor.Size)
                throw new DigestMismatchException(what, digest, null, descriptor.Size, length);
            var content = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new VerifyingStream(content, digest, descriptor.Size, what, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>A whole blob in memory, checked; for configs and other small blobs.</summary>
    public async Task<byte[]> GetBlobBytesAsync(string registry, string repository, Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Size < 0 || descriptor.Size > Array.MaxLength)
            throw new ArgumentException($"A blob of {descriptor.Size} bytes cannot be held in memory; stream it with OpenBlobAsync.", nameof(descriptor));
        await using var stream = await OpenBlobAsync(registry, repository, descriptor, cancellationToken);
        var bytes = new byte[descriptor.Size];
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        // The read at the end is where the stream checks the digest (and finds any extra bytes).
        _ = await stream.ReadAsync(new byte[1], cancellationToken);
        return bytes;
    }

    /// <summary>All tags of a repository, following the registry's Link-header pages; empty if it does not exist.</summary>
    public async Task<IReadOnlyList<string>> ListTagsAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        Uri? next = new(RepositoryRoot(registry, repository), $"tags/list?n={options.TagsPageSize}");
        while (next is not null)
        {
            using var request = NewRequest(HttpMethod.Get, next, PullScope(repository));
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound) return tags;
            if (!response.IsSuccessStatusCode)
                throw await RegistryErrorBody.ToExceptionAsync(response, $"Listing the tags of {registry}/{repository}", cancellationToken);

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
            if (document.RootElement.TryGetProperty("tags", out var page) && page.ValueKind == JsonValueKind.Array)
                tags.AddRange(page.EnumerateArray().Select(t => t.GetString()).OfType<string>());
            next = NextPage(response, next);
        }
        return tags;
    }

    private static Uri? NextPage(HttpResponseMessage response, Uri current)
    {
        if (!response.Headers.TryGetValues("Link", out var links)) return null;
        foreach (var link in links)
        {
            var match = NextLink().Match(link);
            if (match.Success) return new Uri(current, match.Groups["uri"].Value);
        }
        return null;
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, Uri uri, IReadOnlyList<string> scopes)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Options.Set(RegistryRequestOptions.Scopes, scopes);
        return request;
    }

    private static void AcceptManifests(HttpRequestMessage request)
    {
        foreach (var mediaType in MediaTypes.AllManifests)
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
    }

    private static string[] PullScope(string repository) => [$"repository:{repository}:pull"];

    private static string[] PushScope(string repository) => [$"repository:{repository}:pull,push"];

    private Uri RepositoryRoot(string registry, string repository)
    {
        ArgumentException.ThrowIfNullOrEmpty(registry);
        ArgumentException.ThrowIfNullOrEmpty(repository);
        return new Uri(RegistryHost.ApiRoot(registry, options), repository + "/");
    }

    private Uri ManifestUri(ImageReference reference) =>
        new(RepositoryRoot(reference.Registry, reference.Repository), "manifests/" + reference.ManifestReference);

    private Uri BlobUri(string registry, string repository, Digest digest) =>
        new(RepositoryRoot(registry, repository), $"blobs/{digest}");

    private static Digest? ContentDigest(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values) &&
        Digest.TryParse(values.FirstOrDefault()?.Trim(), out var digest)
            ? digest
            : null;

    private static Digest ParseDescriptorDigest(Descriptor descriptor) =>
        Digest.TryParse(descriptor.Digest, out var digest)
            ? digest
            : throw new ArgumentException($"The descriptor's digest '{descriptor.Digest}' is not a digest; expected sha256:<64 lowercase hex digits>.", nameof(descriptor));

    /// <summary>The digest of content with the algorithm of the digest it should have (sha256 if none).</summary>
    private static Digest Hash(Digest? like, byte[] bytes)
    {
        if (like is not { Algorithm: not "sha256" } other) return Digest.Sha256(bytes);
        using var hash = other.CreateHash();
        hash.AppendData(bytes);
        return Digest.Parse($"{other.Algorithm}:{Convert.ToHexStringLower(hash.GetHashAndReset())}");
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, int maxBytes, string what, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
            throw new RegistryException($"{what} has {response.Content.Headers.ContentLength} bytes; at most {maxBytes} are accepted.");
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes) throw new RegistryException($"{what} has more than {maxBytes} bytes; at most {maxBytes} are accepted.");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string? MediaTypeInside(byte[] manifest)
    {
        try
        {
            using var document = JsonDocument.Parse(manifest);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("mediaType", out var mediaType) &&
                   mediaType.ValueKind == JsonValueKind.String
                ? mediaType.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // <https://registry/v2/repo/tags/list?last=x&n=2>; rel="next"
    [GeneratedRegex("""<(?<uri>[^>]+)>\s*;\s*rel="?next"?""", RegexOptions.IgnoreCase)]
    private static partial Regex NextLink();
}
