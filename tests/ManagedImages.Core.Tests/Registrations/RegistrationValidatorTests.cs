using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Registrations;

public class RegistrationValidatorTests
{
    private static IReadOnlyList<ValidationError> Validate(Registration registration, string nickname = "team-base") =>
        RegistrationValidator.Validate(nickname, registration);

    /// <summary>The single error on <paramref name="field"/>; fails when there are others.</summary>
    private static ValidationError SingleError(Registration registration, string field, string nickname = "team-base")
    {
        var errors = Validate(registration, nickname);
        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        return error;
    }

    [Fact]
    public void A_full_valid_registration_has_no_errors()
    {
        Assert.Empty(Validate(SampleRegistrations.Full()));
    }

    [Fact]
    public void A_registration_with_only_a_base_is_valid()
    {
        Assert.Empty(Validate(new Registration { Base = "busybox" }));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("team-base")]
    [InlineData("0abc9")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void Nicknames_that_are_dns_labels_are_accepted(string nickname)
    {
        Assert.Empty(Validate(new Registration { Base = "busybox" }, nickname));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Team")]
    [InlineData("-team")]
    [InlineData("team-")]
    [InlineData("team_base")]
    [InlineData("team.base")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Nicknames_that_are_not_dns_labels_are_refused_with_what_is_accepted(string nickname)
    {
        var error = SingleError(new Registration { Base = "busybox" }, "nickname", nickname);
        Assert.Contains("lowercase letters, digits and '-'", error.Message, StringComparison.Ordinal);
        Assert.Contains("63", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_that_is_not_an_image_reference_is_refused_with_the_grammar()
    {
        var error = SingleError(new Registration { Base = "Not A Reference" }, "base");
        Assert.Contains("[registry[:port]/]repository[:tag]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_base_is_refused()
    {
        SingleError(new Registration { Base = null! }, "base");
    }

    [Fact]
    public void A_digest_only_base_is_refused_and_the_message_asks_for_a_tag()
    {
        var error = SingleError(new Registration { Base = "127.0.0.1:5000/base/busybox@sha256:" + new string('a', 64) }, "base");
        Assert.Contains("names only a digest", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:5000/base/busybox:1.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_base_with_tag_and_digest_is_refused_and_the_message_gives_the_tag_alone()
    {
        var error = SingleError(new Registration { Base = "127.0.0.1:5000/base/busybox:1.36@sha256:" + new string('a', 64) }, "base");
        Assert.Contains("127.0.0.1:5000/base/busybox:1.36", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("busybox:1.36")]
    [InlineData("localhost:5000/team/base")]
    public void A_base_with_a_tag_or_neither_tag_nor_digest_is_accepted(string reference)
    {
        Assert.Empty(Validate(new Registration { Base = reference }));
    }

    [Theory]
    [InlineData("etc/app.conf", "relative")]
    [InlineData("/", "root directory")]
    [InlineData("/etc//app.conf", "empty segment")]
    [InlineData("/etc/app/", "empty segment")]
    [InlineData("/etc/../app.conf", "'..' segment")]
    [InlineData("/etc/./app.conf", "'.' segment")]
    [InlineData("", "a path is required")]
    public void File_paths_must_be_absolute_and_normalized(string path, string reason)
    {
        var registration = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/ok", Content = "" }, new FileSpec { Path = path, Content = "x" }],
        };
        var error = SingleError(registration, "files[1].path");
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("absolute, normalized path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_path_given_twice_is_refused_on_the_second_and_names_the_first()
    {
        var registration = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/a", Content = "1" }, new FileSpec { Path = "/b", Content = "2" }, new FileSpec { Path = "/a", Content = "3" }],
        };
        var error = SingleError(registration, "files[2].path");
        Assert.Contains("files[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_file_entry_is_refused()
    {
        SingleError(new Registration { Base = "busybox", Files = [null!] }, "files[0]");
    }

    [Fact]
    public void A_file_without_content_is_refused_and_names_both_forms()
    {
        var error = SingleError(new Registration { Base = "busybox", Files = [new FileSpec { Path = "/a" }] }, "files[0]");
        Assert.Contains("'content'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'contentBase64'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_with_both_content_forms_is_refused()
    {
        var registration = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/a", Content = "x", ContentBase64 = "eA==" }],
        };
        var error = SingleError(registration, "files[0]");
        Assert.Contains("exactly one", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("eA=")]
    public void Content_that_is_not_base64_is_refused(string value)
    {
        var registration = new Registration { Base = "busybox", Files = [new FileSpec { Path = "/a", ContentBase64 = value }] };
        var error = SingleError(registration, "files[0].contentBase64");
        Assert.Contains("base64", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("644")]
    [InlineData("0644")]
    [InlineData("7777")]
    [InlineData("0000")]
    public void Octal_modes_of_three_or_four_digits_are_accepted(string mode)
    {
        Assert.Empty(Validate(new Registration { Base = "busybox", Files = [new FileSpec { Path = "/a", Content = "", Mode = mode }] }));
    }

    [Theory]
    [InlineData("0x1ED")]
    [InlineData("0888")]
    [InlineData("64")]
    [InlineData("10644")]
    [InlineData("rwxr-xr-x")]
    [InlineData("")]
    public void Other_modes_are_refused_with_an_example(string mode)
    {
        var registration = new Registration { Base = "busybox", Files = [new FileSpec { Path = "/a", Content = "", Mode = mode }] };
        var error = SingleError(registration, "files[0].mode");
        Assert.Contains("octal digits like 0644", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_per_file_limit_is_refused_and_the_limit_is_stated()
    {
        var registration = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/big", ContentBase64 = Convert.ToBase64String(new byte[RegistrationLimits.MaxFileBytes + 1]) }],
        };
        var error = SingleError(registration, "files[0].contentBase64");
        Assert.Contains("at most 256 KiB per file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_exactly_at_the_per_file_limit_is_accepted()
    {
        var registration = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/big", Content = new string('x', RegistrationLimits.MaxFileBytes) }],
        };
        Assert.Empty(Validate(registration));
    }

    [Fact]
    public void Files_over_the_total_limit_are_refused_on_files_and_the_limit_is_stated()
    {
        var content = new string('x', 200 * 1024);
        var registration = new Registration
        {
            Base = "busybox",
            Files = [new FileSpec { Path = "/a", Content = content }, new FileSpec { Path = "/b", Content = content }, new FileSpec { Path = "/c", Content = content }],
        };
        var error = SingleError(registration, "files");
        Assert.Contains("600 KiB", error.Message, StringComparison.Ordinal);
        Assert.Contains("at most 512 KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Removed_paths_must_be_absolute_and_normalized()
    {
        var error = SingleError(new Registration { Base = "busybox", Remove = ["/ok", "tmp/x"] }, "remove[1]");
        Assert.Contains("absolute, normalized path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_removed_path_given_twice_is_refused()
    {
        var error = SingleError(new Registration { Base = "busybox", Remove = ["/a", "/a"] }, "remove[1]");
        Assert.Contains("remove[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_both_added_and_removed_is_refused_on_remove()
    {
        var registration = new Registration { Base = "busybox", Files = [new FileSpec { Path = "/a", Content = "" }], Remove = ["/a"] };
        var error = SingleError(registration, "remove[0]");
        Assert.Contains("files[0]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1ABC")]
    [InlineData("A-B")]
    [InlineData("A=B")]
    [InlineData("")]
    public void Env_names_that_are_not_identifiers_are_refused(string name)
    {
        var error = SingleError(new Registration { Base = "busybox", Env = new Dictionary<string, string> { [name] = "v" } }, $"env.{name}");
        Assert.Contains("letters, digits and '_'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Env_values_with_nul_are_refused()
    {
        SingleError(new Registration { Base = "busybox", Env = new Dictionary<string, string> { ["FOO"] = "a\0b" } }, "env.FOO");
    }

    [Fact]
    public void Null_env_values_are_refused()
    {
        SingleError(new Registration { Base = "busybox", Env = new Dictionary<string, string> { ["FOO"] = null! } }, "env.FOO");
    }

    [Fact]
    public void Null_entrypoint_and_cmd_entries_are_refused_by_index()
    {
        var errors = Validate(new Registration { Base = "busybox", Entrypoint = ["/bin/sh", null!], Cmd = [null!] });
        Assert.Equal(["entrypoint[1]", "cmd[0]"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("app")]
    [InlineData("")]
    public void A_relative_workdir_is_refused(string workdir)
    {
        var error = SingleError(new Registration { Base = "busybox", Workdir = workdir }, "workdir");
        Assert.Contains("absolute path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_label_key_is_refused()
    {
        SingleError(new Registration { Base = "busybox", Labels = new Dictionary<string, string> { [""] = "x" } }, "labels");
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("tab\tname")]
    public void Package_names_that_are_empty_or_have_whitespace_are_refused(string name)
    {
        var registration = new Registration { Base = "busybox", Packages = new PackageSpec { Apt = ["curl"], Pip = ["ok", name] } };
        var error = SingleError(registration, "packages.pip[1]");
        Assert.Contains("without spaces", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_a_hundred_packages_are_refused_and_the_limit_is_stated()
    {
        var registration = new Registration
        {
            Base = "busybox",
            Packages = new PackageSpec { Apt = Enumerable.Range(0, 101).Select(i => $"pkg{i}").ToList() },
        };
        var error = SingleError(registration, "packages.apt");
        Assert.Contains("at most 100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oversized_env_is_refused_on_env_with_the_limit()
    {
        var registration = new Registration { Base = "busybox", Env = new Dictionary<string, string> { ["BIG"] = new string('x', 70 * 1024) } };
        var error = SingleError(registration, "env");
        Assert.Contains("at most 64 KiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var registration = new Registration
        {
            Base = "",
            Files = [new FileSpec { Path = "rel", Content = "x", Mode = "9" }],
            Env = new Dictionary<string, string> { ["9"] = "v" },
            Workdir = "w",
        };
        var fields = Validate(registration, "Bad").Select(e => e.Field).ToList();
        Assert.Equal(["nickname", "base", "files[0].path", "files[0].mode", "env.9", "workdir"], fields);
    }
}
