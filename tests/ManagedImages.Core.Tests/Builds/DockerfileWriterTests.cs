using System.Text.Json;
using ManagedImages.Builds;
using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Builds;

public class DockerfileWriterTests
{
    private const string From = "127.0.0.1:5000/bases/debian@sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private static readonly string[] Instructions = ["FROM", "ARG", "RUN", "ADD", "ENV", "WORKDIR", "LABEL", "ENTRYPOINT", "CMD"];

    /// <summary>Values validation lets through that would break or escape a naively written Dockerfile.</summary>
    private static Registration Hostile() => new()
    {
        Base = "127.0.0.1:5000/bases/debian:bookworm",
        Files =
        [
            new FileSpec { Path = "/opt/a \"quoted\" $(touch /pwned) `id` name", Content = "one" },
            new FileSpec { Path = "/opt/line\nRUN touch /pwned", Content = "two", Mode = "0755" },
        ],
        Remove = ["/opt/old \"x\" $(id)", "/opt/new\nline"],
        Env = new Dictionary<string, string>
        {
            ["QUOTES"] = "he said \"hi\" \\ and left\\",
            ["SUBST"] = "$(touch /pwned) ${HOME} $HOME `id`",
            ["NEWLINE"] = "first\nRUN touch /pwned",
        },
        Labels = new Dictionary<string, string> { ["org.example.\"note\""] = "$HOME \"x\"", ["multi"] = "a\r\nb" },
        Workdir = "/srv/$HOME/we ird",
        Entrypoint = ["/bin/sh", "-c", "echo \"$1\"\nid", "--"],
        Cmd = ["a\"b", "c\\d", "$(id)", "é"],
        Packages = new PackageSpec { Apt = ["curl=7.88.1-10+deb12u5", "jq"], Pip = ["requests==2.32.3"] },
    };

    [Fact]
    public void The_hostile_registration_is_valid_so_the_writer_must_cope_with_it()
    {
        Assert.Empty(RegistrationValidator.Validate("team-base", Hostile()));
    }

    [Fact]
    public void Every_line_is_one_instruction_or_a_comment_so_no_value_starts_a_line_of_its_own()
    {
        var dockerfile = DockerfileWriter.Write(Hostile(), From, new List<string>());
        foreach (var line in dockerfile.TrimEnd('\n').Split('\n'))
        {
            Assert.True(line.StartsWith('#') || Instructions.Contains(line.Split(' ')[0], StringComparer.Ordinal), $"unexpected line: {line}");
            Assert.False(line.EndsWith('\\'), $"a line continues into the next: {line}");
        }
        Assert.DoesNotContain("\nRUN touch", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Exec_form_instructions_parse_back_as_json_to_exactly_the_given_arguments()
    {
        var registration = Hostile();
        var dockerfile = DockerfileWriter.Write(registration, From, new List<string>());

        Assert.Equal(registration.Entrypoint, JsonArgs(dockerfile, "ENTRYPOINT"));
        Assert.Equal(registration.Cmd, JsonArgs(dockerfile, "CMD"));
        var removal = JsonArgs(dockerfile, "RUN", "rm");
        Assert.Equal(["rm", "-rf", "--", .. registration.Remove], removal);
        var apt = JsonArgs(dockerfile, "RUN", "/bin/sh", "install-apt");
        Assert.Equal(["curl=7.88.1-10+deb12u5", "jq"], apt.SkipWhile(a => a != "install-apt").Skip(1));
        var pip = JsonArgs(dockerfile, "RUN", "/bin/sh", "install-pip");
        Assert.Equal(["requests==2.32.3"], pip.SkipWhile(a => a != "install-pip").Skip(1));
    }

    [Fact]
    public void Package_entries_reach_the_package_manager_only_as_arguments_never_inside_the_script()
    {
        var dockerfile = DockerfileWriter.Write(Hostile(), From, new List<string>());
        var apt = JsonArgs(dockerfile, "RUN", "/bin/sh", "install-apt");
        Assert.DoesNotContain("jq", apt[2], StringComparison.Ordinal);
        Assert.Contains("\"$@\"", apt[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Env_label_and_workdir_words_are_double_quoted_with_backslash_quote_and_dollar_escaped()
    {
        var dockerfile = DockerfileWriter.Write(Hostile(), From, new List<string>());
        Assert.Contains("ENV QUOTES=\"he said \\\"hi\\\" \\\\ and left\\\\\" SUBST=\"\\$(touch /pwned) \\${HOME} \\$HOME `id`\"\n", dockerfile, StringComparison.Ordinal);
        Assert.Contains("LABEL \"org.example.\\\"note\\\"\"=\"\\$HOME \\\"x\\\"\"\n", dockerfile, StringComparison.Ordinal);
        Assert.Contains("WORKDIR \"/srv/\\$HOME/we ird\"\n", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_with_line_breaks_are_left_out_of_the_dockerfile_and_noted_for_the_config_step()
    {
        var notes = new List<string>();
        var dockerfile = DockerfileWriter.Write(Hostile(), From, notes);
        Assert.DoesNotContain("ENV NEWLINE", dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("LABEL \"multi\"", dockerfile, StringComparison.Ordinal);
        Assert.Equal(2, notes.Count);
        Assert.Contains(notes, n => n.StartsWith("env.NEWLINE ", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("labels.multi ", StringComparison.Ordinal));
    }

    [Fact]
    public void File_paths_never_appear_in_the_dockerfile_they_come_in_the_context_tar()
    {
        var dockerfile = DockerfileWriter.Write(Hostile(), From, new List<string>());
        Assert.DoesNotContain("quoted", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"ADD {DockerfileWriter.FilesArchive} /\n", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void The_order_is_base_installs_lock_removals_files_then_settings()
    {
        var dockerfile = DockerfileWriter.Write(Hostile(), From, new List<string>());
        int At(string text) => dockerfile.IndexOf(text, StringComparison.Ordinal);
        Assert.StartsWith("# ", dockerfile, StringComparison.Ordinal);
        Assert.True(At("FROM " + From) < At("install-apt"));
        Assert.True(At("install-apt") < At("install-pip"));
        Assert.True(At("install-apt") < At("install-pip"));
        Assert.True(At("install-pip") < At("RUN [\"rm\""));
        Assert.True(At("RUN [\"rm\"") < At("ADD "));
        Assert.True(At("ADD ") < At("ENV "));
        Assert.True(At("ENV ") < At("ENTRYPOINT "));
        Assert.True(At("ENTRYPOINT ") < At("CMD "));
    }

    [Theory]
    [InlineData(new[] { "jq" }, new string[0], "install-apt")]
    [InlineData(new string[0], new[] { "requests" }, "install-pip")]
    [InlineData(new[] { "jq" }, new[] { "requests" }, "install-pip")]
    public void The_package_lock_is_written_by_the_last_install_step_only(string[] apt, string[] pip, string last)
    {
        var dockerfile = DockerfileWriter.Write(new Registration { Base = "debian", Packages = new PackageSpec { Apt = apt, Pip = pip } }, "debian", new List<string>());
        var runs = dockerfile.Split('\n').Where(l => l.StartsWith("RUN ", StringComparison.Ordinal)).ToList();
        var withLock = Assert.Single(runs, l => l.Contains(ResolvedPackages.LockPath, StringComparison.Ordinal));
        Assert.Contains(last, withLock, StringComparison.Ordinal);
        Assert.Equal(withLock, runs[^1]);
    }

    [Fact]
    public void A_registration_without_files_removals_or_packages_has_no_run_or_add()
    {
        var dockerfile = DockerfileWriter.Write(new Registration { Base = "busybox", Env = new Dictionary<string, string> { ["A"] = "1" } }, "busybox", new List<string>());
        Assert.DoesNotContain("RUN ", dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("ADD ", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENV A=\"1\"\n", dockerfile, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\b", "\"a\\\\b\"")]
    [InlineData("$X", "\"\\$X\"")]
    [InlineData("é ü", "\"é ü\"")]
    [InlineData("", "\"\"")]
    public void Quoting_escapes_exactly_backslash_quote_and_dollar(string text, string quoted)
    {
        Assert.Equal(quoted, DockerfileSyntax.Quote(text));
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\tb")]
    [InlineData("a\u2028b")]
    public void Quoting_refuses_control_characters_and_line_separators(string text)
    {
        Assert.False(DockerfileSyntax.CanQuote(text));
        Assert.Throws<ArgumentException>(() => DockerfileSyntax.Quote(text));
    }

    /// <summary>The JSON array of the first <paramref name="instruction"/> line whose array starts with <paramref name="first"/> (and contains <paramref name="marker"/>).</summary>
    private static string[] JsonArgs(string dockerfile, string instruction, string? first = null, string? marker = null)
    {
        foreach (var line in dockerfile.Split('\n'))
        {
            if (!line.StartsWith(instruction + " [", StringComparison.Ordinal)) continue;
            var args = JsonSerializer.Deserialize<string[]>(line[(instruction.Length + 1)..])!;
            if (first is not null && (args.Length == 0 || args[0] != first)) continue;
            if (marker is not null && !args.Contains(marker)) continue;
            return args;
        }
        throw new Xunit.Sdk.XunitException($"No {instruction} [{first}…{marker}] line in:\n{dockerfile}");
    }
}
