using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Registrations;

/// <summary>Registrations that use every customization, for tests to start from and break one field of.</summary>
internal static class SampleRegistrations
{
    public static Registration Full() => new()
    {
        Base = "127.0.0.1:5000/base/busybox:1.36",
        Files =
        [
            new FileSpec { Path = "/etc/app/config.yaml", Content = "mode: fast\n", Mode = "0644" },
            new FileSpec { Path = "/usr/local/bin/start", ContentBase64 = Convert.ToBase64String("#!/bin/sh\necho hi\n"u8), Mode = "755" },
        ],
        Remove = ["/etc/motd", "/usr/share/doc"],
        Env = new Dictionary<string, string> { ["APP_MODE"] = "fast", ["_private1"] = "" },
        Entrypoint = ["/usr/local/bin/start"],
        Cmd = ["--verbose"],
        Workdir = "/srv",
        Labels = new Dictionary<string, string> { ["org.example.team"] = "images" },
        Packages = new PackageSpec { Apt = ["curl", "ca-certificates"], Pip = ["requests==2.32.3"] },
    };
}
