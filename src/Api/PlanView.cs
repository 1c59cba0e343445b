using ManagedImages.Builds;

namespace ManagedImages.Api;

/// <summary>
/// How the next version of an image would be made, for the registration revision it was planned from: <c>kind</c>
/// (rebase or build), the base tag and the digest it resolves to now (null when it could not be resolved; a reason
/// says why), the generated Dockerfile (null for a rebase) and the reasons.
/// </summary>
public sealed record PlanView(
    string Nickname,
    long Revision,
    BuildKind Kind,
    string Base,
    string? BaseDigest,
    string? Dockerfile,
    IReadOnlyList<string> Reasons)
{
    public static PlanView From(string nickname, long revision, BuildPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new(nickname, revision, plan.Kind, plan.Base, plan.BaseDigest, plan.Dockerfile, plan.Reasons);
    }
}
