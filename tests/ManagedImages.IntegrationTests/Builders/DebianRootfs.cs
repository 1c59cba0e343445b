namespace ManagedImages.IntegrationTests.Builders;

/// <summary>
/// A minimal Debian bookworm root filesystem with a working apt and dpkg (debootstrap --variant=minbase from Debian's
/// mirror, the one place this machine may download from), as a tar kept under the checkout's .stack folder so it is
/// made once per machine (about 1.5 minutes cold; about 75 MB). Its apt sources are emptied: a build installs only from the source
/// the test serves. Needs root and debootstrap (scripts/stack up installs it).
/// </summary>
public static class DebianRootfs
{
    private const string Mirror = "http://deb.debian.org/debian";
    private const string Name = "debian-bookworm-minbase-slim";

    /// <summary>The cached tar, made first when missing (one maker at a time, across test processes).</summary>
    public static async Task<string> GetOrCreateAsync(CancellationToken cancellationToken)
    {
        var folder = Path.Combine(RepositoryRoot(), ".stack", "test-bases");
        Directory.CreateDirectory(folder);
        var tar = Path.Combine(folder, Name + ".tar");
        if (File.Exists(tar)) return tar;

        await using var lockFile = await LockAsync(Path.Combine(folder, Name + ".lock"), cancellationToken);
        if (File.Exists(tar)) return tar;

        if (!File.Exists("/usr/sbin/debootstrap"))
            throw new InvalidOperationException("debootstrap is missing: install it (apt-get install debootstrap; scripts/stack up does), it makes the Debian test base.");
        var work = Path.Combine(folder, $"{Name}-{Guid.NewGuid():N}");
        var rootfs = Path.Combine(work, "rootfs");
        try
        {
            Directory.CreateDirectory(work);
            await HostCommand.RunAsync("/usr/sbin/debootstrap", ["--variant=minbase", "bookworm", rootfs, Mirror], TimeSpan.FromMinutes(15), cancellationToken);
            // Smaller (the engine's vfs driver copies the whole tree for every build step), and apt sees only the test's source.
            await HostCommand.RunAsync("/bin/sh", ["-c",
                "cd \"$1\" && rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/* usr/share/locale usr/share/doc usr/share/man usr/share/info && : > etc/apt/sources.list",
                "sh", rootfs], TimeSpan.FromMinutes(1), cancellationToken);
            var partial = Path.Combine(work, Name + ".tar");
            await HostCommand.RunAsync("/bin/tar", ["--numeric-owner", "-C", rootfs, "-cf", partial, "."], TimeSpan.FromMinutes(5), cancellationToken);
            File.Move(partial, tar);
            return tar;
        }
        finally
        {
            // debootstrap mounts /proc (and /sys) inside the target while it works: if it was stopped half-way, unmount
            // them before deleting, and never let rm cross into another file system.
            await HostCommand.RunAsync("/bin/sh", ["-c", "for m in proc sys; do umount -l \"$1/rootfs/$m\" 2>/dev/null; done; rm -rf --one-file-system \"$1\"", "sh", work],
                TimeSpan.FromMinutes(2), CancellationToken.None);
        }
    }

    /// <summary>The folder holding ManagedImages.sln, above the test's own folder.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ManagedImages.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No ManagedImages.sln above {AppContext.BaseDirectory}: run the tests from the checkout.");
    }

    private static async Task<FileStream> LockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                // Another test process is making the base: wait for it.
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
