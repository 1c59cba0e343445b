namespace ManagedImages.Benchmarks.Rebase;

/// <summary>Bytes that moved for a set of repositories; see <see cref="RegistryTraffic"/>.</summary>
internal sealed record TrafficSummary(
    long UploadRequestBytes,
    long BaseLayerBytesUploaded,
    long OtherBlobBytesUploaded,
    long ManifestBytes,
    long BlobBytesDownloaded,
    int Mounts);
