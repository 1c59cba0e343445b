using System.Net;

namespace ManagedImages.Benchmarks.Rebase;

/// <summary>
/// What moved between the registry client and the registry, per phase of the benchmark (<see cref="Phase"/>, set
/// between sequential builds): bytes sent in blob upload requests (POST, PATCH, PUT of <c>/blobs/uploads/</c>,
/// attributed to the digest the closing PUT names), bytes sent in manifest PUTs, bytes received for blobs, and
/// cross-repository mounts.
/// </summary>
internal sealed class RegistryTraffic
{
    private const string UploadsPath = "/blobs/uploads/";
    private readonly Lock _lock = new();
    private readonly Dictionary<string, long> _openSessions = new(StringComparer.Ordinal);
    private readonly List<Entry> _entries = [];

    /// <summary>What the requests recorded from now on belong to; null records nothing (setup, warmup).</summary>
    public string? Phase { get; set; }

    public void Record(HttpMethod method, Uri uri, long sentBytes, long receivedBytes, HttpStatusCode status)
    {
        var path = uri.AbsolutePath;
        lock (_lock)
        {
            if (Phase is not { } phase) return;
            var uploads = path.IndexOf(UploadsPath, StringComparison.Ordinal);
            if (uploads > 0)
            {
                if (method == HttpMethod.Post && uri.Query.Contains("mount=", StringComparison.Ordinal))
                {
                    _entries.Add(new Entry(phase, EntryKind.Mount, null, sentBytes, status == HttpStatusCode.Created ? 1 : 0));
                    return;
                }
                var session = path[(uploads + UploadsPath.Length)..];
                _entries.Add(new Entry(phase, EntryKind.UploadRequest, null, sentBytes, 0));
                if (session.Length == 0) return;
                _openSessions[session] = _openSessions.GetValueOrDefault(session) + sentBytes;
                if (method == HttpMethod.Put && Query(uri, "digest") is { } digest)
                {
                    _entries.Add(new Entry(phase, EntryKind.UploadedBlob, digest, _openSessions[session], 0));
                    _openSessions.Remove(session);
                }
                return;
            }

            var manifests = path.IndexOf("/manifests/", StringComparison.Ordinal);
            if (manifests > 0 && method == HttpMethod.Put)
            {
                _entries.Add(new Entry(phase, EntryKind.ManifestPut, null, sentBytes, 0));
                return;
            }
            var blobs = path.IndexOf("/blobs/", StringComparison.Ordinal);
            if (blobs > 0 && method == HttpMethod.Get)
                _entries.Add(new Entry(phase, EntryKind.BlobDownload, null, receivedBytes, 0));
        }
    }

    /// <summary>The traffic of one phase, split by what moved.</summary>
    public TrafficSummary Summarize(string phase, IReadOnlySet<string> baseLayerDigests)
    {
        lock (_lock)
        {
            var mine = _entries.Where(e => e.Phase == phase).ToList();
            var uploaded = mine.Where(e => e.Kind == EntryKind.UploadRequest).Sum(e => e.Bytes);
            var baseLayers = mine.Where(e => e.Kind == EntryKind.UploadedBlob && baseLayerDigests.Contains(e.Digest!)).Sum(e => e.Bytes);
            return new TrafficSummary(
                UploadRequestBytes: uploaded,
                BaseLayerBytesUploaded: baseLayers,
                OtherBlobBytesUploaded: uploaded - baseLayers,
                ManifestBytes: mine.Where(e => e.Kind == EntryKind.ManifestPut).Sum(e => e.Bytes),
                BlobBytesDownloaded: mine.Where(e => e.Kind == EntryKind.BlobDownload).Sum(e => e.Bytes),
                Mounts: mine.Where(e => e.Kind == EntryKind.Mount).Sum(e => e.Count));
        }
    }

    private static string? Query(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2 && p[0] == name)
            .Select(p => Uri.UnescapeDataString(p[1]))
            .FirstOrDefault();

    private enum EntryKind
    {
        UploadRequest,
        UploadedBlob,
        ManifestPut,
        BlobDownload,
        Mount,
    }

    private sealed record Entry(string Phase, EntryKind Kind, string? Digest, long Bytes, int Count);
}
