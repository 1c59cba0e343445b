namespace ManagedImages.Builds;

/// <summary>Builds and pushes one version of a custom image. Building the same request twice gives the same image.</summary>
public interface IImageBuilder
{
    Task<BuiltImage> BuildAsync(BuildRequest request, CancellationToken cancellationToken);
}
