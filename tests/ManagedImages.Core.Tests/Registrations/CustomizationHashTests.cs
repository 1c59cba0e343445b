using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Registrations;

public class CustomizationHashTests
{
    [Fact]
    public void The_hash_is_a_sha256_digest()
    {
        Assert.Matches("^sha256:[0-9a-f]{64}$", CustomizationHash.Compute(SampleRegistrations.Full()));
    }

    [Fact]
    public void Dictionary_key_order_does_not_change_the_hash()
    {
        var a = SampleRegistrations.Full() with
        {
            Env = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2", ["C"] = "3" },
            Labels = new Dictionary<string, string> { ["x"] = "1", ["y"] = "2" },
        };
        var b = a with
        {
            Env = new Dictionary<string, string> { ["C"] = "3", ["A"] = "1", ["B"] = "2" },
            Labels = new Dictionary<string, string> { ["y"] = "2", ["x"] = "1" },
        };
        Assert.Equal(CustomizationHash.Compute(a), CustomizationHash.Compute(b));
    }

    [Fact]
    public void Content_as_text_or_base64_of_the_same_bytes_gives_the_same_hash()
    {
        var text = new Registration { Base = "busybox", Files = [new FileSpec { Path = "/a", Content = "héllo\n" }] };
        var base64 = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/a", ContentBase64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("héllo\n")) }],
        };
        Assert.Equal(CustomizationHash.Compute(text), CustomizationHash.Compute(base64));
    }

    [Fact]
    public void File_order_remove_order_and_mode_spelling_do_not_change_the_hash()
    {
        var a = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/a", Content = "1" }, new FileSpec { Path = "/b", Content = "2", Mode = "755" }],
            Remove = ["/x", "/y"],
        };
        var b = a with
        {
            Files = [new FileSpec { Path = "/b", Content = "2", Mode = "0755" }, new FileSpec { Path = "/a", Content = "1", Mode = "0644" }],
            Remove = ["/y", "/x"],
        };
        Assert.Equal(CustomizationHash.Compute(a), CustomizationHash.Compute(b));
    }

    [Fact]
    public void Spellings_of_the_same_base_give_the_same_hash()
    {
        Assert.Equal(
            CustomizationHash.Compute(new Registration { Base = "busybox" }),
            CustomizationHash.Compute(new Registration { Base = "docker.io/library/busybox:latest" }));
    }

    public static TheoryData<string, Func<Registration, Registration>> Changes => new()
    {
        { "base tag", r => r with { Base = "127.0.0.1:5000/base/busybox:1.37" } },
        { "file content", r => r with { Files = [r.Files[0] with { Content = "mode: slow\n" }, r.Files[1]] } },
        { "file mode", r => r with { Files = [r.Files[0] with { Mode = "0600" }, r.Files[1]] } },
        { "file path", r => r with { Files = [r.Files[0] with { Path = "/etc/app/other.yaml" }, r.Files[1]] } },
        { "removed path", r => r with { Remove = ["/etc/motd"] } },
        { "env value", r => r with { Env = new Dictionary<string, string> { ["APP_MODE"] = "slow", ["_private1"] = "" } } },
        { "entrypoint cleared", r => r with { Entrypoint = [] } },
        { "entrypoint inherited", r => r with { Entrypoint = null } },
        { "cmd", r => r with { Cmd = ["--quiet"] } },
        { "workdir", r => r with { Workdir = "/" } },
        { "labels", r => r with { Labels = new Dictionary<string, string>() } },
        { "apt order", r => r with { Packages = r.Packages! with { Apt = ["ca-certificates", "curl"] } } },
        { "pip", r => r with { Packages = r.Packages! with { Pip = [] } } },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Any_change_of_a_customization_changes_the_hash(string change, Func<Registration, Registration> apply)
    {
        var original = SampleRegistrations.Full();
        Assert.NotEqual(CustomizationHash.Compute(original), CustomizationHash.Compute(apply(original)));
        Assert.NotNull(change);
    }

    [Fact]
    public void The_hash_is_the_same_after_a_json_round_trip()
    {
        var original = SampleRegistrations.Full();
        var json = System.Text.Json.JsonSerializer.Serialize(original, System.Text.Json.JsonSerializerOptions.Web);
        var read = System.Text.Json.JsonSerializer.Deserialize<Registration>(json, System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Equal(CustomizationHash.Compute(original), CustomizationHash.Compute(read));
    }
}
