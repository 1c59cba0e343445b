namespace ManagedImages.Layers;

/// <summary>What a layer entry puts into (or takes out of) the image's file system.</summary>
public enum LayerEntryKind
{
    File,
    Directory,
    SymbolicLink,

    /// <summary>Removes the path from the layers below (written as an OCI whiteout, <c>dir/.wh.name</c>).</summary>
    Whiteout,
}
