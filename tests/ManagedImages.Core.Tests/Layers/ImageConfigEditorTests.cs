using System.Text;
using System.Text.Json.Nodes;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Layers;

public class ImageConfigEditorTests
{
    private static readonly Digest LayerDiffId = Digest.Sha256("custom layer"u8);

    private const string OciBase = """
        {
          "created": "2024-05-01T10:00:00Z",
          "architecture": "amd64",
          "os": "linux",
          "config": {
            "Env": ["PATH=/usr/bin:/bin", "LANG=C", "HOME=/root"],
            "Entrypoint": ["/bin/sh", "-c"],
            "Cmd": ["echo base"],
            "Labels": {"team": "base", "tier": "1"},
            "StopSignal": "SIGTERM"
          },
          "rootfs": {"type": "layers", "diff_ids": ["sha256:1111111111111111111111111111111111111111111111111111111111111111"]},
          "history": [{"created": "2024-05-01T10:00:00Z", "created_by": "base layer"}],
          "x-vendor": {"anything": [1, 2.50, "three"]}
        }
        """;

    private const string DockerBase = """
        {
          "architecture": "amd64",
          "os": "linux",
          "docker_version": "20.10.24",
          "container_config": {"Cmd": ["/bin/sh", "-c", "#(nop) CMD [\"sh\"]"]},
          "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"], "Image": "sha256:abc"},
          "rootfs": {"type": "layers", "diff_ids": ["sha256:2222222222222222222222222222222222222222222222222222222222222222"]}
        }
        """;

    private static JsonObject Apply(string baseConfig, Registration registration, Digest? diffId = null) =>
        JsonNode.Parse(ImageConfigEditor.Apply(Encoding.UTF8.GetBytes(baseConfig), registration, diffId ?? LayerDiffId, "test build"))!.AsObject();

    private static Registration Reg(Func<Registration, Registration>? change = null)
    {
        var registration = new Registration { Base = "127.0.0.1:5000/bases/busybox:1" };
        return change is null ? registration : change(registration);
    }

    [Fact]
    public void Fields_it_does_not_set_are_kept_as_the_base_has_them()
    {
        var edited = Apply(OciBase, Reg(r => r with { Env = new Dictionary<string, string> { ["LANG"] = "C.UTF-8" } }));
        var original = JsonNode.Parse(OciBase)!.AsObject();

        Assert.Equal("2024-05-01T10:00:00Z", (string?)edited["created"]);
        Assert.Equal("SIGTERM", (string?)edited["config"]!["StopSignal"]);
        Assert.True(JsonNode.DeepEquals(original["x-vendor"], edited["x-vendor"]));
        Assert.True(JsonNode.DeepEquals(original["config"]!["Labels"], edited["config"]!["Labels"]));
        Assert.True(JsonNode.DeepEquals(original["config"]!["Cmd"], edited["config"]!["Cmd"]));
        Assert.True(JsonNode.DeepEquals(original["config"]!["Entrypoint"], edited["config"]!["Entrypoint"]));
        Assert.Equal("2.50", edited["x-vendor"]!["anything"]![1]!.ToJsonString());
    }

    [Fact]
    public void Docker_shaped_configs_keep_their_docker_fields()
    {
        var edited = Apply(DockerBase, Reg(r => r with { Workdir = "/app" }));

        Assert.Equal("20.10.24", (string?)edited["docker_version"]);
        Assert.Equal("sha256:abc", (string?)edited["config"]!["Image"]);
        Assert.Equal("/app", (string?)edited["config"]!["WorkingDir"]);
        Assert.NotNull(edited["container_config"]);
        Assert.Equal(ImageConfigEditor.FixedCreated, (string?)edited["created"]);
    }

    [Fact]
    public void Env_is_merged_by_name_keeping_the_base_order_and_appending_new_names_sorted()
    {
        var edited = Apply(OciBase, Reg(r => r with
        {
            Env = new Dictionary<string, string> { ["ZED"] = "z", ["LANG"] = "C.UTF-8", ["APP_MODE"] = "prod" },
        }));

        Assert.Equal(
            ["PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/root", "APP_MODE=prod", "ZED=z"],
            edited["config"]!["Env"]!.AsArray().Select(e => (string?)e));
    }

    [Fact]
    public void Setting_the_entrypoint_without_cmd_clears_the_base_cmd()
    {
        var edited = Apply(OciBase, Reg(r => r with { Entrypoint = ["/usr/local/bin/hello"] }));

        Assert.Equal(["/usr/local/bin/hello"], edited["config"]!["Entrypoint"]!.AsArray().Select(e => (string?)e));
        Assert.Null(edited["config"]!["Cmd"]);
    }

    [Fact]
    public void Setting_entrypoint_and_cmd_sets_both()
    {
        var edited = Apply(OciBase, Reg(r => r with { Entrypoint = ["/bin/echo"], Cmd = ["a", "b"] }));

        Assert.Equal(["/bin/echo"], edited["config"]!["Entrypoint"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["a", "b"], edited["config"]!["Cmd"]!.AsArray().Select(e => (string?)e));
    }

    [Fact]
    public void Setting_only_cmd_keeps_the_base_entrypoint()
    {
        var edited = Apply(OciBase, Reg(r => r with { Cmd = ["echo custom"] }));

        Assert.Equal(["/bin/sh", "-c"], edited["config"]!["Entrypoint"]!.AsArray().Select(e => (string?)e));
        Assert.Equal(["echo custom"], edited["config"]!["Cmd"]!.AsArray().Select(e => (string?)e));
    }

    [Fact]
    public void Labels_are_merged_into_the_base_labels()
    {
        var edited = Apply(OciBase, Reg(r => r with { Labels = new Dictionary<string, string> { ["team"] = "custom", ["owner"] = "me" } }));

        var labels = edited["config"]!["Labels"]!.AsObject();
        Assert.Equal("custom", (string?)labels["team"]);
        Assert.Equal("1", (string?)labels["tier"]);
        Assert.Equal("me", (string?)labels["owner"]);
    }

    [Fact]
    public void The_layer_diff_id_is_appended_with_a_fixed_history_entry()
    {
        var edited = Apply(OciBase, Reg());

        Assert.Equal(
            ["sha256:1111111111111111111111111111111111111111111111111111111111111111", LayerDiffId.ToString()],
            edited["rootfs"]!["diff_ids"]!.AsArray().Select(e => (string?)e));
        var history = edited["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Equal("test build", (string?)history[1]!["created_by"]);
        Assert.Equal(ImageConfigEditor.FixedCreated, (string?)history[1]!["created"]);
        Assert.Null(history[1]!["empty_layer"]);
    }

    [Fact]
    public void Without_a_layer_the_diff_ids_stay_and_the_history_entry_is_an_empty_layer()
    {
        var edited = JsonNode.Parse(ImageConfigEditor.Apply(Encoding.UTF8.GetBytes(OciBase), Reg(), null, "env only"))!;

        Assert.Single(edited["rootfs"]!["diff_ids"]!.AsArray());
        Assert.True((bool?)edited["history"]![1]!["empty_layer"]);
    }

    [Fact]
    public void The_same_inputs_give_the_same_bytes()
    {
        var registration = Reg(r => r with { Env = new Dictionary<string, string> { ["B"] = "2", ["A"] = "1" }, Entrypoint = ["/x"] });
        var reordered = registration with { Env = new Dictionary<string, string> { ["A"] = "1", ["B"] = "2" } };

        var first = ImageConfigEditor.Apply(Encoding.UTF8.GetBytes(OciBase), registration, LayerDiffId, "same");
        var second = ImageConfigEditor.Apply(Encoding.UTF8.GetBytes(OciBase), reordered, LayerDiffId, "same");

        Assert.Equal(first, second);
    }

    [Fact]
    public void A_config_that_is_not_a_json_object_is_refused()
    {
        Assert.Throws<FormatException>(() => ImageConfigEditor.Apply("[1]"u8, Reg(), LayerDiffId, "x"));
        Assert.Throws<FormatException>(() => ImageConfigEditor.Apply("{not json"u8, Reg(), LayerDiffId, "x"));
    }
}
