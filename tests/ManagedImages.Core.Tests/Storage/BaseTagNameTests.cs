using ManagedImages.Storage;

namespace ManagedImages.Core.Tests.Storage;

public class BaseTagNameTests
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox:latest")]
    [InlineData("docker.io/library/busybox:latest", "docker.io/library/busybox:latest")]
    [InlineData("Registry.Example.COM/team/base:1.2", "registry.example.com/team/base:1.2")]
    [InlineData("127.0.0.1:5000/base", "127.0.0.1:5000/base:latest")]
    public void The_same_tag_written_differently_has_one_name(string reference, string expected) =>
        Assert.Equal(expected, BaseTagName.Of(reference));

    [Theory]
    [InlineData("127.0.0.1:5000/base@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("127.0.0.1:5000/base:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("not a reference")]
    [InlineData(null)]
    public void A_base_pinned_by_digest_or_unreadable_follows_no_tag(string? reference) =>
        Assert.Null(BaseTagName.Of(reference));
}
