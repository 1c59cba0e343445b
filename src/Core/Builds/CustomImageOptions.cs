using ManagedImages.Oci;

namespace ManagedImages.Builds;

/// <summary>Where custom images are pushed and for which platform they are built.</summary>
public sealed class CustomImageOptions
{
    public const string Section = "CustomImages";

    /// <summary>The registry that holds the custom images, like <c>127.0.0.1:5000</c> or <c>myacr.azurecr.io</c>.</summary>
    public string Registry { get; set; } = "127.0.0.1:5000";

    /// <summary>Custom images live in <c>{prefix}/{nickname}</c>; the service writes only there.</summary>
    public string RepositoryPrefix { get; set; } = "managed";

    /// <summary>The platform picked from a base that is an image index.</summary>
    public string Platform { get; set; } = "linux/amd64";

    public string RepositoryFor(string nickname) => $"{RepositoryPrefix}/{nickname}";

    public static string TagFor(int version) => $"v{version}";

    public ImageReference ReferenceFor(string nickname, int version) =>
        new(Registry, RepositoryFor(nickname), TagFor(version), null);
}
