using ManagedImages.Core.Tests.Registry;
using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Registrations;

public class AllowedBaseValidationTests
{
    [Fact]
    public void A_base_in_the_allow_list_is_valid()
    {
        var access = RegistryAccessPolicyTests.Policy("docker.io/library/busybox", "myacr.azurecr.io/bases/*");

        Assert.Empty(RegistrationValidator.Validate("team-base", new Registration { Base = "busybox:1.36" }, access));
        Assert.Empty(RegistrationValidator.Validate("team-base", new Registration { Base = "myacr.azurecr.io/bases/dotnet/runtime:8.0" }, access));
    }

    [Fact]
    public void A_base_outside_the_allow_list_is_refused_on_base_listing_what_is_accepted()
    {
        var access = RegistryAccessPolicyTests.Policy("docker.io/library/busybox", "myacr.azurecr.io/bases/*");

        var error = Assert.Single(RegistrationValidator.Validate("team-base", new Registration { Base = "alpine:3.20" }, access));

        Assert.Equal("base", error.Field);
        Assert.Contains("'alpine:3.20'", error.Message, StringComparison.Ordinal);
        Assert.Contains("docker.io/library/alpine is not an allowed base repository", error.Message, StringComparison.Ordinal);
        Assert.Contains("accepted: docker.io/library/busybox, myacr.azurecr.io/bases/*", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_allow_list_accepts_any_base()
    {
        Assert.Empty(RegistrationValidator.Validate("team-base", new Registration { Base = "alpine:3.20" }, RegistryAccessPolicyTests.Policy()));
    }
}
