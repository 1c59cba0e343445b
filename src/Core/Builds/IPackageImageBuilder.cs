namespace ManagedImages.Builds;

/// <summary>
/// A builder that runs a generated Dockerfile (the Docker engine here, ACR Tasks in Azure): what
/// <see cref="PlannedImageBuilder"/> hands registrations that install packages. Chosen by Builds:PackageBuilder.
/// </summary>
public interface IPackageImageBuilder : IImageBuilder
{
}
