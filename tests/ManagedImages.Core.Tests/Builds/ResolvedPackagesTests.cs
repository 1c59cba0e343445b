using ManagedImages.Builds;

namespace ManagedImages.Core.Tests.Builds;

public class ResolvedPackagesTests
{
    [Fact]
    public void The_lock_is_read_into_apt_and_normalized_pip_versions_skipping_lines_it_does_not_know()
    {
        var resolved = ResolvedPackages.ParseLock(
            "apt dpkg=1.21.22\napt mi-hello=1.0\r\napt libc6=2.36-9+deb12u9\n" +
            "pip Typing_Extensions==4.12.2\npip local-pkg @ file:///tmp/x\npip requests==2.32.3\nnoise\napt broken\n\n");
        Assert.Equal(new Dictionary<string, string> { ["dpkg"] = "1.21.22", ["libc6"] = "2.36-9+deb12u9", ["mi-hello"] = "1.0" }, resolved.Apt);
        Assert.Equal(new Dictionary<string, string> { ["requests"] = "2.32.3", ["typing-extensions"] = "4.12.2" }, resolved.Pip);
    }

    [Fact]
    public void Pinning_keeps_entries_without_a_recorded_version_as_they_are()
    {
        var resolved = ResolvedPackages.ParseLock("apt curl=7.88\n");
        var pinned = resolved.Pin(new ManagedImages.Registrations.PackageSpec { Apt = ["curl:amd64", "jq"], Pip = ["requests"] });
        Assert.Equal(["curl:amd64=7.88", "jq"], pinned.Apt);
        Assert.Equal(["requests"], pinned.Pip);
    }
}
