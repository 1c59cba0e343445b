using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Registrations;

public class PackageValidationTests
{
    private static IReadOnlyList<ValidationError> Validate(PackageSpec packages) =>
        RegistrationValidator.Validate("team-base", new Registration { Base = "busybox", Packages = packages });

    [Theory]
    [InlineData("curl")]
    [InlineData("ca-certificates")]
    [InlineData("libstdc++6")]
    [InlineData("python3.11")]
    [InlineData("g++")]
    [InlineData("curl=7.88.1-10+deb12u5")]
    [InlineData("libssl3:amd64")]
    [InlineData("libssl3:amd64=3.0.15-1~deb12u1")]
    [InlineData("tzdata=2024a-0+deb12u1")]
    [InlineData("vim=2:9.0.1378-2")]
    public void Apt_entries_per_debian_policy_with_optional_architecture_and_version_are_accepted(string entry)
    {
        Assert.Empty(Validate(new PackageSpec { Apt = [entry] }));
    }

    [Theory]
    [InlineData("requests")]
    [InlineData("Django")]
    [InlineData("zope.interface")]
    [InlineData("typing_extensions")]
    [InlineData("requests==2.32.3")]
    [InlineData("uvicorn[standard]")]
    [InlineData("uvicorn[standard,dev]==0.30.1")]
    [InlineData("torch==2.3.1+cpu")]
    [InlineData("pkg==1!2.0.post1.dev3")]
    [InlineData("a")]
    public void Pip_entries_per_pep_508_with_optional_extras_and_exact_pin_are_accepted(string entry)
    {
        Assert.Empty(Validate(new PackageSpec { Pip = [entry] }));
    }

    [Theory]
    [InlineData("-o", "option")]
    [InlineData("--allow-unauthenticated", "option")]
    [InlineData("curl;rm", "';'")]
    [InlineData("curl&&id", "'&'")]
    [InlineData("$(id)", "'$'")]
    [InlineData("`id`", "'`'")]
    [InlineData("curl|sh", "'|'")]
    [InlineData("curl>x", "'>'")]
    [InlineData("cu'rl", "'''")]
    [InlineData("cu\"rl", "'\"'")]
    [InlineData("http://evil.example/x.deb", "URL")]
    [InlineData("/tmp/x.deb", "path")]
    [InlineData("./x.deb", "path")]
    [InlineData("Curl", "not an apt package")]
    [InlineData("c", "not an apt package")]
    [InlineData("curl=", "not an apt package")]
    [InlineData("curl=abc", "not an apt package")]
    [InlineData("curl\nrm", "control characters")]
    public void Apt_entries_that_are_not_package_names_are_refused_with_the_reason_and_what_is_accepted(string entry, string reason)
    {
        var error = Assert.Single(Validate(new PackageSpec { Apt = ["curl", entry] }));
        Assert.Equal("packages.apt[1]", error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("like curl", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-r", "option")]
    [InlineData("--index-url=http://evil.example", "option")]
    [InlineData("git+https://github.com/x/y", "URL")]
    [InlineData("https://evil.example/pkg.whl", "URL")]
    [InlineData("./pkg.whl", "path")]
    [InlineData("pkg/sub", "path")]
    [InlineData("requests>=2", "'>'")]
    [InlineData("requests~=2.0", "version range")]
    [InlineData("requests!=2.0", "version range")]
    [InlineData("requests==2.*", "'*'")]
    [InlineData("requests;python_version<'3.8'", "';'")]
    [InlineData("requests @ https://x", "whitespace")]
    [InlineData("_private", "not a pip requirement")]
    [InlineData("trailing-", "not a pip requirement")]
    [InlineData("requests==", "not a pip requirement")]
    public void Pip_entries_that_are_not_exact_requirements_are_refused_with_the_reason_and_what_is_accepted(string entry, string reason)
    {
        var error = Assert.Single(Validate(new PackageSpec { Pip = [entry] }));
        Assert.Equal("packages.pip[0]", error.Field);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("requests==2.32.3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_listed_twice_is_refused_on_the_second_entry_even_with_another_version_or_spelling()
    {
        var errors = Validate(new PackageSpec { Apt = ["curl", "jq", "curl=7.88.1-10"], Pip = ["Typing_Extensions", "typing-extensions==4.12.2"] });
        Assert.Collection(errors,
            e =>
            {
                Assert.Equal("packages.apt[2]", e.Field);
                Assert.Contains("packages.apt[0]", e.Message, StringComparison.Ordinal);
            },
            e =>
            {
                Assert.Equal("packages.pip[1]", e.Field);
                Assert.Contains("packages.pip[0]", e.Message, StringComparison.Ordinal);
            });
    }

    [Theory]
    [InlineData("curl:amd64=7.88", "curl")]
    [InlineData("curl=1:2.3", "curl")]
    [InlineData("g++", "g++")]
    public void The_apt_name_leaves_out_architecture_and_version(string entry, string name)
    {
        Assert.Equal(name, PackageNames.AptName(entry));
    }

    [Theory]
    [InlineData("Typing_Extensions==4.0", "typing-extensions")]
    [InlineData("zope.interface[test]", "zope-interface")]
    [InlineData("A__b", "a-b")]
    public void The_pip_name_is_normalized_per_pep_503_without_extras_or_version(string entry, string name)
    {
        Assert.Equal(name, PackageNames.PipName(entry));
    }
}
