namespace ManagedImages.Local.Cli.Api;

/// <summary>What POST /api/images/{nick}/gc answers: the versions deleted, kept (and why), and those whose delete failed.</summary>
public sealed record CollectionReport(
    string Nickname,
    int Keep,
    IReadOnlyList<CollectionReport.DeletedVersion> Deleted,
    IReadOnlyList<CollectionReport.KeptVersion> Kept,
    IReadOnlyList<CollectionReport.FailedVersion> Failed)
{
    public sealed record DeletedVersion(int Version, string Digest, bool ManifestDeleted);

    public sealed record KeptVersion(int Version, IReadOnlyList<string> Reasons);

    public sealed record FailedVersion(int Version, string Reason);
}
