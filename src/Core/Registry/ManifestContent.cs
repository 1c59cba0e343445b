using ManagedImages.Oci;

namespace ManagedImages.Registry;

/// <summary>A manifest as the registry stored it: its media type, its digest (checked) and its exact bytes.</summary>
public sealed record ManifestContent(string MediaType, Digest Digest, byte[] Bytes);
