using System.Text.Json;
using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Registrations;

public class RegistrationJsonTests
{
    [Fact]
    public void A_full_registration_survives_a_round_trip_with_web_defaults()
    {
        var original = SampleRegistrations.Full();
        var json = JsonSerializer.Serialize(original, JsonSerializerOptions.Web);
        var read = JsonSerializer.Deserialize<Registration>(json, JsonSerializerOptions.Web)!;

        Assert.Equal(original.Base, read.Base);
        Assert.Equal(original.Files, read.Files);
        Assert.Equal(original.Remove, read.Remove);
        Assert.Equal(original.Env, read.Env);
        Assert.Equal(original.Entrypoint, read.Entrypoint);
        Assert.Equal(original.Cmd, read.Cmd);
        Assert.Equal(original.Workdir, read.Workdir);
        Assert.Equal(original.Labels, read.Labels);
        Assert.Equal(original.Packages!.Apt, read.Packages!.Apt);
        Assert.Equal(original.Packages.Pip, read.Packages.Pip);
    }

    [Fact]
    public void The_json_uses_the_documented_field_names()
    {
        var json = JsonSerializer.Serialize(SampleRegistrations.Full(), JsonSerializerOptions.Web);
        using var document = JsonDocument.Parse(json);
        var names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["base", "files", "remove", "env", "entrypoint", "cmd", "workdir", "labels", "packages"], names);
        var file = document.RootElement.GetProperty("files")[1];
        Assert.Equal(["path", "contentBase64", "mode"], file.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void A_minimal_document_reads_with_empty_customizations()
    {
        var read = JsonSerializer.Deserialize<Registration>("""{"base":"busybox:1.36"}""", JsonSerializerOptions.Web)!;
        Assert.Equal("busybox:1.36", read.Base);
        Assert.Empty(read.Files);
        Assert.Empty(read.Env);
        Assert.Null(read.Entrypoint);
        Assert.Null(read.Packages);
        Assert.Empty(RegistrationValidator.Validate("minimal", read));
    }

    [Fact]
    public void A_document_with_null_entries_reads_and_validation_names_them()
    {
        var read = JsonSerializer.Deserialize<Registration>(
            """{"base":"busybox","files":[null],"env":{"A":null},"cmd":["x",null]}""", JsonSerializerOptions.Web)!;
        var fields = RegistrationValidator.Validate("nulls", read).Select(e => e.Field);
        Assert.Equal(["files[0]", "env.A", "cmd[1]"], fields);
    }
}
