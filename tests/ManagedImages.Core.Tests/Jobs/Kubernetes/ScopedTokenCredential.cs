using System.Collections.Concurrent;
using Azure.Core;

namespace ManagedImages.Core.Tests.Jobs.Kubernetes;

/// <summary>
/// The Azure SDK's seam for identities: hands out the tokens queued for each scope, in order (the last one again when
/// the queue runs out), each valid for <see cref="Lifetime"/> from the clock's now; records the scopes asked.
/// </summary>
internal sealed class ScopedTokenCredential(TimeProvider time) : TokenCredential
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _last = new(StringComparer.Ordinal);

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    public ConcurrentQueue<string> Requests { get; } = new();

    public ScopedTokenCredential Add(string scope, params string[] tokens)
    {
        var queue = _tokens.GetOrAdd(scope, _ => new ConcurrentQueue<string>());
        foreach (var token in tokens) queue.Enqueue(token);
        return this;
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var scope = Assert.Single(requestContext.Scopes);
        Requests.Enqueue(scope);
        var token = _tokens.TryGetValue(scope, out var queue) && queue.TryDequeue(out var next) ? next
            : _last.TryGetValue(scope, out var last) ? last
            : throw new Azure.Identity.AuthenticationFailedException($"no token for scope {scope}");
        _last[scope] = token;
        return new AccessToken(token, time.GetUtcNow() + Lifetime);
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
