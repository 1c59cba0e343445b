using System.Globalization;
using ManagedImages.Oci;
using ManagedImages.Registrations;

namespace ManagedImages.Builds;

/// <summary>
/// Decides how a registration's next version is made, without building anything: a rebase when it only adds files,
/// removes paths and sets config (the layer builder, no builder process), a build from a generated Dockerfile when it
/// installs packages. A build pins the package versions recorded by the last build of the same registration revision,
/// so a new base gets the same packages.
/// </summary>
public sealed class BuildPlanner(BuildRecordingStore recordings)
{
    /// <summary>
    /// The plan for the version after <paramref name="beforeVersion"/> (null: after every recorded one) of
    /// <paramref name="nickname"/> at registration <paramref name="revision"/>, on <paramref name="baseDigest"/> when
    /// it is known.
    /// </summary>
    public async Task<BuildPlan> PlanAsync(
        string nickname, Registration registration, long revision, string? baseDigest, int? beforeVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!registration.InstallsPackages) return Plan(registration, baseDigest, null);
        var recorded = await recordings.FindPinsAsync(nickname, revision, beforeVersion, cancellationToken);
        return Plan(registration, baseDigest, recorded);
    }

    /// <summary>Rebase unless the registration installs packages: only a package manager needs a builder.</summary>
    public static BuildKind KindOf(Registration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return registration.InstallsPackages ? BuildKind.Build : BuildKind.Rebase;
    }

    /// <summary>The plan of a valid registration, pinning the packages of <paramref name="recorded"/> when given.</summary>
    public static BuildPlan Plan(Registration registration, string? baseDigest, BuildRecording? recorded)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (!ImageReference.TryParse(registration.Base, out var baseReference, out var error))
            throw new ArgumentException($"base: {error}", nameof(registration));
        var baseTag = baseReference.WithTag(baseReference.TagOrDefault).ToString();
        Digest? digest = null;
        if (baseDigest is not null)
        {
            digest = Digest.TryParse(baseDigest, out var parsed)
                ? parsed
                : throw new ArgumentException($"'{baseDigest}' is not a digest; expected sha256:<64 lowercase hex digits>.", nameof(baseDigest));
        }

        var reasons = new List<string>();
        if (KindOf(registration) == BuildKind.Rebase)
        {
            reasons.Add("No packages to install: the files, removals and settings become one layer written on the base's layers (a rebase; no builder runs).");
            return new BuildPlan(BuildKind.Rebase, baseTag, digest?.ToString(), null, reasons);
        }

        var packages = registration.Packages!;
        reasons.Add(string.Create(CultureInfo.InvariantCulture,
            $"Packages to install ({Count(packages.Apt.Count, "apt")}{(packages.Apt.Count > 0 && packages.Pip.Count > 0 ? ", " : "")}{Count(packages.Pip.Count, "pip")}): a package manager has to run on the base, so a builder builds the generated Dockerfile."));

        var pinned = packages;
        if (recorded is not null)
        {
            pinned = recorded.Packages.Pin(packages);
            var changed = pinned.Apt.Concat(pinned.Pip).Except(packages.Apt.Concat(packages.Pip), StringComparer.Ordinal).ToList();
            if (changed.Count > 0)
                reasons.Add(string.Create(CultureInfo.InvariantCulture,
                    $"Pinned to the versions v{recorded.Version} installed (same registration revision {recorded.Revision}): {string.Join(", ", changed)}."));
        }

        var from = digest is { } d ? baseReference.WithDigest(d).ToString() : baseTag;
        if (digest is null) reasons.Add($"The base digest is not resolved yet: the build pins the digest {baseTag} points to when it starts.");

        var notes = new List<string>();
        var dockerfile = DockerfileWriter.Write(registration with { Packages = pinned }, from, notes);
        reasons.AddRange(notes.Select(n => char.ToUpperInvariant(n[0]) + n[1..] + "."));
        return new BuildPlan(BuildKind.Build, baseTag, digest?.ToString(), dockerfile, reasons);
    }

    private static string Count(int count, string manager) => count switch
    {
        0 => "",
        1 => $"1 {manager} package",
        _ => string.Create(CultureInfo.InvariantCulture, $"{count} {manager} packages"),
    };
}
