using System.Text.Json;
using ManagedImages.Builds;
using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Builds;

public class BuildPlannerTests
{
    private const string Digest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    public static TheoryData<string, Registration> LayerOnly() => new()
    {
        { "base only", new Registration { Base = "busybox" } },
        { "files", new Registration { Base = "busybox", Files = [new FileSpec { Path = "/etc/a", Content = "a" }] } },
        { "removals and settings", new Registration { Base = "busybox", Remove = ["/etc/motd"], Env = new Dictionary<string, string> { ["A"] = "1" }, Cmd = ["sh"], Workdir = "/w" } },
        { "empty package lists", new Registration { Base = "busybox", Packages = new PackageSpec() } },
    };

    public static TheoryData<string, Registration> WithPackages() => new()
    {
        { "apt", new Registration { Base = "debian:bookworm", Packages = new PackageSpec { Apt = ["curl"] } } },
        { "pip", new Registration { Base = "python:3.12", Packages = new PackageSpec { Pip = ["requests"] } } },
        { "apt, pip and files", new Registration { Base = "python:3.12", Files = [new FileSpec { Path = "/a", Content = "a" }], Packages = new PackageSpec { Apt = ["jq"], Pip = ["requests"] } } },
    };

    [Theory]
    [MemberData(nameof(LayerOnly))]
    public void Registrations_without_packages_are_planned_as_a_rebase_without_a_dockerfile(string kind, Registration registration)
    {
        var plan = BuildPlanner.Plan(registration, Digest, null);
        Assert.True(plan.Kind == BuildKind.Rebase, kind);
        Assert.Null(plan.Dockerfile);
        Assert.Equal(Digest, plan.BaseDigest);
        Assert.Contains("rebase", Assert.Single(plan.Reasons), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(WithPackages))]
    public void Registrations_with_packages_are_planned_as_a_build_from_the_base_pinned_by_digest(string kind, Registration registration)
    {
        var plan = BuildPlanner.Plan(registration, Digest, null);
        Assert.True(plan.Kind == BuildKind.Build, kind);
        Assert.Contains($"@{Digest}\n", plan.Dockerfile, StringComparison.Ordinal);
        Assert.StartsWith("docker.io/library/", plan.Base, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_resolved_digest_the_plan_builds_from_the_tag_and_says_so()
    {
        var plan = BuildPlanner.Plan(new Registration { Base = "debian:bookworm", Packages = new PackageSpec { Apt = ["curl"] } }, null, null);
        Assert.Null(plan.BaseDigest);
        Assert.Contains("FROM docker.io/library/debian:bookworm\n", plan.Dockerfile, StringComparison.Ordinal);
        Assert.Contains(plan.Reasons, r => r.Contains("not resolved", StringComparison.Ordinal));
    }

    [Fact]
    public void A_recording_pins_the_unpinned_entries_and_leaves_the_registrations_own_pins()
    {
        var registration = new Registration
        {
            Base = "python:3.12",
            Packages = new PackageSpec { Apt = ["curl", "jq=1.6-2.1", "tzdata"], Pip = ["Requests", "flask==3.0.0", "uvicorn[standard]"] },
        };
        var recorded = new BuildRecording("team", 1, 3, Digest, true,
            new ResolvedPackages(
                new Dictionary<string, string> { ["curl"] = "7.88.1-10", ["jq"] = "1.6-2.1+deb12u1" },
                new Dictionary<string, string> { ["requests"] = "2.32.3", ["flask"] = "3.1.0", ["uvicorn"] = "0.30.1" }),
            DateTimeOffset.UnixEpoch);

        var plan = BuildPlanner.Plan(registration, Digest, recorded);

        var apt = InstallArguments(plan.Dockerfile!, "install-apt");
        Assert.Equal(["curl=7.88.1-10", "jq=1.6-2.1", "tzdata"], apt);
        var pip = InstallArguments(plan.Dockerfile!, "install-pip");
        Assert.Equal(["Requests==2.32.3", "flask==3.0.0", "uvicorn[standard]==0.30.1"], pip);
        Assert.Contains(plan.Reasons, r => r.Contains("v1", StringComparison.Ordinal) && r.Contains("curl=7.88.1-10", StringComparison.Ordinal));
    }

    [Fact]
    public void A_recorded_version_that_would_not_pass_validation_is_not_used_as_a_pin()
    {
        var registration = new Registration { Base = "debian", Packages = new PackageSpec { Apt = ["curl"] } };
        var recorded = new BuildRecording("team", 1, 1, Digest, true,
            new ResolvedPackages(new Dictionary<string, string> { ["curl"] = "1.0; touch /pwned" }, new Dictionary<string, string>()),
            DateTimeOffset.UnixEpoch);
        Assert.Equal(["curl"], InstallArguments(BuildPlanner.Plan(registration, Digest, recorded).Dockerfile!, "install-apt"));
    }

    [Fact]
    public void The_plan_serializes_with_lowercase_kind_and_the_agreed_field_names()
    {
        var json = JsonSerializer.Serialize(BuildPlanner.Plan(new Registration { Base = "busybox" }, null, null));
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("rebase", root.GetProperty("kind").GetString());
        Assert.Equal("docker.io/library/busybox:latest", root.GetProperty("base").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("baseDigest").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("dockerfile").ValueKind);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("reasons").ValueKind);
        var build = JsonSerializer.Serialize(BuildPlanner.Plan(new Registration { Base = "debian", Packages = new PackageSpec { Apt = ["jq"] } }, Digest, null));
        Assert.Contains("\"kind\":\"build\"", build, StringComparison.Ordinal);
        Assert.Equal(BuildKind.Build, JsonSerializer.Deserialize<BuildPlan>(build)!.Kind);
    }

    private static string[] InstallArguments(string dockerfile, string marker)
    {
        var line = dockerfile.Split('\n').Single(l => l.StartsWith("RUN [", StringComparison.Ordinal) && l.Contains(marker, StringComparison.Ordinal));
        var args = JsonSerializer.Deserialize<string[]>(line[4..])!;
        return [.. args.SkipWhile(a => a != marker).Skip(1)];
    }
}
