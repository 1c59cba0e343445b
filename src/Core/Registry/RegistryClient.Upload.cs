using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using ManagedImages.Oci;
using Polly.Timeout;

namespace ManagedImages.Registry;

// Blob uploads, mounts and copies. Upload requests carry streamed state (an upload session on the registry), so
// the generic retry leaves them alone: a failed chunk is resumed from the offset the session reports.
public sealed partial class RegistryClient
{
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    /// <summary>
    /// Uploads a blob read from <paramref name="content"/> (exactly <paramref name="size"/> bytes with
    /// <paramref name="digest"/>, else <see cref="DigestMismatchException"/> and nothing is stored). Skipped when the
    /// repository has it. Blobs above <see cref="RegistryOptions.ChunkSize"/> go in chunks through one buffer.
    /// </summary>
    public async Task PushBlobAsync(string registry, string repository, Digest digest, long size, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (await BlobExistsAsync(registry, repository, digest, cancellationToken)) return;
        await UploadBlobAsync(registry, repository, digest, size, content, cancellationToken);
    }

    /// <summary>
    /// Links a blob of <paramref name="fromRepository"/> into <paramref name="repository"/> of the same registry
    /// without moving bytes. False when the registry would not mount (it offered an upload instead; that is cancelled).
    /// </summary>
    public async Task<bool> MountBlobAsync(string registry, string repository, Digest digest, string fromRepository, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(fromRepository);
        var uri = new Uri(RepositoryRoot(registry, repository),
            $"blobs/uploads/?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(fromRepository)}");
        using var request = NewRequest(HttpMethod.Post, uri, [.. PushScope(repository), .. PullScope(fromRepository)]);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Created) return true;
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            if (response.Headers.Location is { } location) await CancelUploadAsync(new Uri(uri, location), repository, cancellationToken);
            return false;
        }
        throw await RegistryErrorBody.ToExceptionAsync(response,
            $"Mounting blob {digest} from {registry}/{fromRepository} into {registry}/{repository}", cancellationToken);
    }

    /// <summary>
    /// Makes the blob of <paramref name="from"/> available in <paramref name="to"/>: nothing when it is there
    /// already, a mount within one registry, else a streamed, digest-checked copy.
    /// </summary>
    public async Task CopyBlobAsync(ImageReference from, ImageReference to, Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(descriptor);
        var digest = ParseDescriptorDigest(descriptor);
        if (await BlobExistsAsync(to.Registry, to.Repository, digest, cancellationToken)) return;

        var sameRegistry = string.Equals(RegistryHost.ApiAuthority(from.Registry), RegistryHost.ApiAuthority(to.Registry), StringComparison.OrdinalIgnoreCase);
        if (sameRegistry && from.Repository != to.Repository &&
            await MountBlobAsync(to.Registry, to.Repository, digest, from.Repository, cancellationToken))
            return;

        await using var source = await OpenBlobAsync(from.Registry, from.Repository, descriptor, cancellationToken);
        await UploadBlobAsync(to.Registry, to.Repository, digest, descriptor.Size, source, cancellationToken);
    }

    private async Task UploadBlobAsync(string registry, string repository, Digest digest, long size, Stream content, CancellationToken cancellationToken)
    {
        var what = $"Blob {digest} for {registry}/{repository}";
        var chunkSize = (int)Math.Min(Math.Max(options.ChunkSize, 1), Math.Max(size, 1));
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            using var hash = digest.CreateHash();
            if (size <= options.ChunkSize)
            {
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, (int)size), (int)size, throwOnEndOfStream: false, cancellationToken);
                hash.AppendData(buffer, 0, read);
                await CheckContentAsync(content, hash, digest, size, read, what, cancellationToken);
                await PutWholeAsync(registry, repository, digest, buffer, (int)size, cancellationToken);
                return;
            }

            var location = await StartUploadAsync(registry, repository, cancellationToken);
            long offset = 0;
            while (offset < size)
            {
                var want = (int)Math.Min(chunkSize, size - offset);
                var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: false, cancellationToken);
                if (read < want)
                {
                    await CancelUploadAsync(location, repository, cancellationToken);
                    throw new DigestMismatchException(what, digest, null, size, offset + read);
                }
                hash.AppendData(buffer, 0, read);
                location = await SendChunkAsync(location, repository, buffer, offset, read, what, cancellationToken);
                offset += read;
            }
            try
            {
                await CheckContentAsync(content, hash, digest, size, size, what, cancellationToken);
            }
            catch (DigestMismatchException)
            {
                await CancelUploadAsync(location, repository, cancellationToken);
                throw;
            }
            await CompleteUploadAsync(registry, repository, digest, location, null, 0, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Content must end exactly at its size and hash to its digest before the upload is committed.</summary>
    private static async Task CheckContentAsync(Stream content, System.Security.Cryptography.IncrementalHash hash, Digest digest,
        long size, long read, string what, CancellationToken cancellationToken)
    {
        if (read == size && await content.ReadAsync(new byte[1], cancellationToken) > 0) read = size + 1;
        var actual = Digest.Parse($"{digest.Algorithm}:{Convert.ToHexStringLower(hash.GetHashAndReset())}");
        if (read != size || actual != digest)
            throw new DigestMismatchException(what, digest, read == size ? actual : null, size, read);
    }

    /// <summary>A blob that fits the buffer: POST, then PUT with the body. Resent whole when it fails (it is in memory).</summary>
    private async Task PutWholeAsync(string registry, string repository, Digest digest, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var location = await StartUploadAsync(registry, repository, cancellationToken);
            try
            {
                await CompleteUploadAsync(registry, repository, digest, location, buffer, count, cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < options.MaxRetries && IsTransient(ex, cancellationToken))
            {
                await Task.Delay(Backoff(attempt), cancellationToken);
                // A lost answer may hide a stored blob.
                if (await BlobExistsAsync(registry, repository, digest, cancellationToken)) return;
            }
        }
    }

    private async Task<Uri> StartUploadAsync(string registry, string repository, CancellationToken cancellationToken)
    {
        var uri = new Uri(RepositoryRoot(registry, repository), "blobs/uploads/");
        using var request = NewRequest(HttpMethod.Post, uri, PushScope(repository));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted || response.Headers.Location is null)
        {
            if (!response.IsSuccessStatusCode)
                throw await RegistryErrorBody.ToExceptionAsync(response, $"Starting an upload to {registry}/{repository}", cancellationToken);
            throw new RegistryException($"Starting an upload to {registry}/{repository} failed: the registry answered {(int)response.StatusCode} without an upload location.");
        }
        return new Uri(uri, response.Headers.Location);
    }

    /// <summary>PATCHes one chunk; when it fails, asks the session how far it got and sends the rest of the chunk.</summary>
    private async Task<Uri> SendChunkAsync(Uri location, string repository, byte[] buffer, long chunkStart, int count, string what, CancellationToken cancellationToken)
    {
        var sent = 0;
        for (var attempt = 0; ; attempt++)
        {
            Exception failure;
            try
            {
                using var request = NewRequest(HttpMethod.Patch, location, PushScope(repository));
                request.Options.Set(RegistryRequestOptions.NotRetryable, true);
                request.Content = new ByteArrayContent(buffer, sent, count - sent);
                request.Content.Headers.ContentType = OctetStream;
                request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{chunkStart + sent}-{chunkStart + count - 1}");
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Accepted)
                    return response.Headers.Location is { } next ? new Uri(location, next) : location;
                var error = await RegistryErrorBody.ToExceptionAsync(response, $"Uploading bytes {chunkStart + sent}-{chunkStart + count - 1} of {what}", cancellationToken);
                if (!IsTransient(response.StatusCode) || attempt >= options.MaxRetries) throw error;
                failure = error;
            }
            catch (Exception ex) when (ex is not RegistryException && attempt < options.MaxRetries && IsTransient(ex, cancellationToken))
            {
                failure = ex;
            }

            await Task.Delay(Backoff(attempt), cancellationToken);
            var (resumed, received) = await UploadProgressAsync(location, repository, what, failure, cancellationToken);
            location = resumed;
            if (received < chunkStart || received > chunkStart + count)
                throw new RegistryException($"Uploading {what} cannot resume: the registry has {received} bytes, this chunk spans {chunkStart}-{chunkStart + count - 1}.", failure);
            sent = (int)(received - chunkStart);
            if (sent == count) return location;
        }
    }

    /// <summary>How many bytes the upload session holds (its Range header, <c>0-N</c>) and where it goes on.</summary>
    private async Task<(Uri Location, long Received)> UploadProgressAsync(Uri location, string repository, string what, Exception failure, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Get, location, PushScope(repository));
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var error = await RegistryErrorBody.ToExceptionAsync(response, $"Resuming the upload of {what}", cancellationToken);
            throw new RegistryException($"{error.Message} (after: {failure.Message})", failure);
        }
        var next = response.Headers.Location is { } l ? new Uri(location, l) : location;
        long received = 0;
        if (response.Headers.TryGetValues("Range", out var ranges) && ranges.FirstOrDefault() is { } range)
        {
            var end = range.Trim();
            if (end.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) end = end[6..];
            var dash = end.IndexOf('-', StringComparison.Ordinal);
            if (dash >= 0 && long.TryParse(end[(dash + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var last)) received = last + 1;
        }
        return (next, received);
    }

    private async Task CompleteUploadAsync(string registry, string repository, Digest digest, Uri location, byte[]? buffer, int count, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Put, WithQuery(location, "digest", digest.ToString()), PushScope(repository));
        request.Options.Set(RegistryRequestOptions.NotRetryable, true);
        request.Content = buffer is null ? new ByteArrayContent([]) : new ByteArrayContent(buffer, 0, count);
        request.Content.Headers.ContentType = OctetStream;
        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw await RegistryErrorBody.ToExceptionAsync(response, $"Completing the upload of blob {digest} to {registry}/{repository}", cancellationToken);
        if (ContentDigest(response) is { } stored && stored != digest)
            throw new DigestMismatchException($"Blob {digest} as stored in {registry}/{repository}", digest, stored);
    }

    /// <summary>Best effort: an abandoned session expires on its own anyway.</summary>
    private async Task CancelUploadAsync(Uri location, string repository, CancellationToken cancellationToken)
    {
        try
        {
            using var request = NewRequest(HttpMethod.Delete, location, PushScope(repository));
            using var response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or RegistryException)
        {
            // The session is left to expire.
        }
    }

    private static Uri WithQuery(Uri uri, string name, string value)
    {
        var builder = new UriBuilder(uri);
        var pair = $"{name}={Uri.EscapeDataString(value)}";
        builder.Query = builder.Query.Length > 1 ? builder.Query[1..] + "&" + pair : pair;
        return builder.Uri;
    }

    private TimeSpan Backoff(int attempt) => options.RetryDelay * Math.Pow(2, Math.Min(attempt, 6));

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    private static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RegistryException { Status: { } status } => IsTransient(status),
        HttpRequestException or TimeoutRejectedException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };
}
