using ManagedImages.Layers;

namespace ManagedImages.Builds;

/// <summary>
/// The service's <see cref="IImageBuilder"/>: builds each version the way its plan says. A rebase goes to the layer
/// builder and never reaches the package builder (no builder process, a few registry requests); a registration that
/// installs packages goes to the configured package builder.
/// </summary>
public sealed class PlannedImageBuilder(LayerBuilder layers, Lazy<IPackageImageBuilder> packages) : IImageBuilder
{
    public Task<BuiltImage> BuildAsync(BuildRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return BuildPlanner.KindOf(request.Registration) switch
        {
            BuildKind.Rebase => layers.BuildAsync(request, cancellationToken),
            _ => packages.Value.BuildAsync(request, cancellationToken),
        };
    }
}
