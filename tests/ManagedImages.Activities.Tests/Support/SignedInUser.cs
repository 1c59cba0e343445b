using ManagedImages.Api.Access;
using Microsoft.AspNetCore.Http;

namespace ManagedImages.Activities.Tests.Support;

/// <summary>
/// The caller check of a host whose every caller has signed in as a user: for tests of what the shared handlers answer,
/// not of who may call them (the hosts' own tests cover that with their real authenticators).
/// </summary>
internal sealed class SignedInUser : ICallerAuthenticator
{
    public string Challenge => "Bearer";

    public CallerIdentification Identify(HttpRequest request) => CallerIdentification.Known(new Caller("test user", ApiRole.User));

    public string Describe(ApiRole role) => role.ToString();

    public bool AllowsWebhooksWithoutSecret(HttpRequest request) => false;
}
