using ManagedImages.Builders.AcrTasks;

namespace ManagedImages.Core.Tests.AcrTasks;

public sealed class AcrPushEventTests
{
    private const string DocumentedPush = """
        {
          "id": "cb8c3971-9adc-488b-bdd8-43cbb4974ff5",
          "timestamp": "2017-11-17T16:52:01.343145347Z",
          "action": "push",
          "target": {
            "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
            "size": 524,
            "digest": "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d",
            "length": 524,
            "repository": "managed/tools",
            "tag": "build-v3"
          },
          "request": {
            "id": "3cbb6949-7549-4fa1-86cd-a6d5451dffc7",
            "host": "myregistry.azurecr.io",
            "method": "PUT",
            "useragent": "docker/17.09.0-ce go/go1.8.3 git-commit/afdb6d4 kernel/4.10.0-27-generic os/Linux arch/amd64"
          }
        }
        """;

    [Fact]
    public void The_documented_push_payload_is_read_with_its_target_and_request()
    {
        var push = AcrPushEvent.Parse(DocumentedPush);

        Assert.True(push.IsPush);
        Assert.Equal("managed/tools", push.Target.Repository);
        Assert.Equal("build-v3", push.Target.Tag);
        Assert.Equal("sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d", push.Target.Digest);
        Assert.Equal(524, push.Target.Size);
        Assert.Equal("myregistry.azurecr.io", push.Request!.Host);
        Assert.Equal(new DateTimeOffset(2017, 11, 17, 16, 52, 1, 343, TimeSpan.Zero), push.Timestamp!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Theory]
    [InlineData("""{"target": {"repository": "a", "digest": "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d"}}""", "action:")]
    [InlineData("""{"action": "push"}""", "target:")]
    [InlineData("""{"action": "push", "target": {"digest": "sha256:80f0d5c8786bb9e621a45ece0db56d11cdc624ad20da9fe62e9d25490f331d7d"}}""", "target.repository:")]
    [InlineData("""{"action": "push", "target": {"repository": "managed/tools", "digest": "sha256:abc"}}""", "target.digest:")]
    [InlineData("""{"action": "push", "target": {"repository": "managed/tools", "size": "big"}}""", "target.size:")]
    [InlineData("""[1, 2]""", "the body:")]
    public void A_body_that_is_not_a_webhook_event_is_refused_naming_the_field(string body, string field)
    {
        var refusal = Assert.Throws<FormatException>(() => AcrPushEvent.Parse(body));

        Assert.StartsWith(field, refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("build-v1", 1)]
    [InlineData("build-v42", 42)]
    public void A_working_tag_names_its_version(string tag, int version)
    {
        Assert.True(WorkingTag.TryParse(tag, out var parsed));
        Assert.Equal(version, parsed);
        Assert.Equal(tag, WorkingTag.For(version));
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("build-v")]
    [InlineData("build-v0")]
    [InlineData("build-v01")]
    [InlineData("build-v1a")]
    [InlineData("build-v-1")]
    [InlineData("build-v99999999999")]
    [InlineData(null)]
    public void Other_tags_are_not_working_tags(string? tag) => Assert.False(WorkingTag.TryParse(tag, out _));
}
