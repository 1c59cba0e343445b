using ManagedImages.Layers;
using ManagedImages.Oci;

namespace ManagedImages.Builds;

/// <summary>
/// Everything a Dockerfile builder (the Docker engine, ACR Tasks) is handed for one version: the generated Dockerfile,
/// the other files of the build context (the registration's files as <see cref="DockerfileWriter.FilesArchive"/>),
/// the build arguments (package sources from <see cref="PackageBuildOptions"/>), the recording whose package versions
/// it pins (if any) and <see cref="Notes"/>: settings the Dockerfile could not hold, to apply to the config afterwards.
/// </summary>
public sealed record PackageBuildContext(
    string Dockerfile,
    IReadOnlyDictionary<string, byte[]> Files,
    IReadOnlyDictionary<string, string> Arguments,
    BuildRecording? PinnedFrom,
    IReadOnlyList<string> Notes)
{
    public const string DockerfileName = "Dockerfile";

    /// <summary>The context of <paramref name="request"/>, pinning the packages of <paramref name="recorded"/> when given.</summary>
    public static async Task<PackageBuildContext> CreateAsync(
        BuildRequest request, BuildRecording? recorded, PackageBuildOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var baseReference = ImageReference.Parse(request.Registration.Base);
        var registration = request.Registration;
        if (recorded is not null && registration.Packages is { } packages)
            registration = registration with { Packages = recorded.Packages.Pin(packages) };
        var notes = new List<string>();
        var dockerfile = DockerfileWriter.Write(registration, baseReference.WithDigest(Digest.Parse(request.BaseDigest)).ToString(), notes);

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var entries = LayerWriter.EntriesFor(request.Registration).Where(e => e.Kind != LayerEntryKind.Whiteout).ToList();
        if (entries.Count > 0)
        {
            // Written like a rebase's layer (same modes, owners, times); registration files are small (512 KiB in all).
            await using var layer = await LayerWriter.WriteAsync(entries, cancellationToken);
            using var bytes = new MemoryStream();
            await layer.Content.CopyToAsync(bytes, cancellationToken);
            files[DockerfileWriter.FilesArchive] = bytes.ToArray();
        }

        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = options.Apt.Sources.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim()).ToList();
        if (sources.Count > 0) arguments[DockerfileWriter.AptSourcesArg] = string.Join('\n', sources);
        if (!string.IsNullOrWhiteSpace(options.Pip.IndexUrl)) arguments[DockerfileWriter.PipIndexUrlArg] = options.Pip.IndexUrl.Trim();
        return new PackageBuildContext(dockerfile, files, arguments, recorded, notes);
    }
}
