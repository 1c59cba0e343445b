using System.Net.Http.Headers;
using ManagedImages.Registry;

namespace ManagedImages.Core.Tests.Registry;

public class BearerChallengeTests
{
    [Fact]
    public void A_bearer_challenge_gives_realm_service_and_a_scope_with_commas()
    {
        var challenge = BearerChallenge.Parse(AuthenticationHeaderValue.Parse(
            "Bearer realm=\"https://auth.example.com/token\",service=\"registry.example.com\",scope=\"repository:team/app:pull,push\""));

        Assert.True(challenge.IsBearer);
        Assert.Equal("https://auth.example.com/token", challenge.Realm);
        Assert.Equal("registry.example.com", challenge.Service);
        Assert.Equal("repository:team/app:pull,push", challenge.Scope);
    }

    [Fact]
    public void Unquoted_values_spaces_and_escaped_quotes_are_understood()
    {
        var parameters = BearerChallenge.ParseParameters("realm=https://a/t , service = \"say \\\"hi\\\"\",error=\"insufficient_scope\"");

        Assert.Equal("https://a/t", parameters["realm"]);
        Assert.Equal("say \"hi\"", parameters["service"]);
        Assert.Equal("insufficient_scope", parameters["error"]);
    }

    [Fact]
    public void A_basic_challenge_is_recognised_and_has_no_scope()
    {
        var challenge = BearerChallenge.Parse(AuthenticationHeaderValue.Parse("Basic realm=\"Registry Realm\""));

        Assert.True(challenge.IsBasic);
        Assert.False(challenge.IsBearer);
        Assert.Equal("Registry Realm", challenge.Realm);
        Assert.Null(challenge.Scope);
    }
}
