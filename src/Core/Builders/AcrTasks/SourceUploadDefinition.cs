namespace ManagedImages.Builders.AcrTasks;

/// <summary>
/// The answer of <c>listBuildSourceUploadUrl</c>: a blob URL carrying its own SAS to PUT the build context to, and the
/// path a run request names as its <c>sourceLocation</c>.
/// </summary>
public sealed record SourceUploadDefinition(string? UploadUrl, string? RelativePath);
