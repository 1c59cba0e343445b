using ManagedImages.Registrations;
using Microsoft.AspNetCore.Http;

namespace ManagedImages.Api;

/// <summary>The API's error answers, each with a stable type URI and a message that says what to do next.</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json; charset=utf-8";
    private const string TypePrefix = "urn:managed-images:problem:";

    public const string InvalidRequestType = TypePrefix + "invalid-request";
    public const string MalformedJsonType = TypePrefix + "malformed-json";
    public const string BodyTooLargeType = TypePrefix + "body-too-large";
    public const string ImageNotFoundType = TypePrefix + "image-not-found";
    public const string RunNotFoundType = TypePrefix + "run-not-found";
    public const string VersionNotFoundType = TypePrefix + "version-not-found";
    public const string NoBuildRecordType = TypePrefix + "no-build-record";
    public const string ConflictType = TypePrefix + "conflict";
    public const string RegistryFailedType = TypePrefix + "registry-failed";
    public const string UnexpectedType = TypePrefix + "unexpected";
    public const string UnauthenticatedType = TypePrefix + "unauthenticated";
    public const string ForbiddenType = TypePrefix + "forbidden";

    /// <summary>400 listing every field at fault; the detail repeats the first few so a terminal shows them.</summary>
    public static ApiResponse Invalid(IReadOnlyList<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var shown = string.Join("; ", errors.Take(3).Select(e => $"{e.Field}: {e.Message}"));
        var more = errors.Count > 3 ? $" (and {errors.Count - 3} more in 'errors')" : "";
        return Create(new ProblemBody(InvalidRequestType, "The request is not valid", StatusCodes.Status400BadRequest, shown + more)
        {
            Errors = errors,
        });
    }

    public static ApiResponse Invalid(string field, string message) => Invalid([new ValidationError(field, message)]);

    /// <summary>400 for a body that is not JSON; the detail names the line and byte position where reading stopped.</summary>
    public static ApiResponse MalformedJson(string detail, string field) =>
        Create(new ProblemBody(MalformedJsonType, "The request body is not valid JSON", StatusCodes.Status400BadRequest, detail)
        {
            Errors = [new ValidationError(field, detail)],
        });

    public static ApiResponse BodyTooLarge(long limit) =>
        BodyTooLarge(limit, $"a registration holds at most {RegistrationLimits.Describe(RegistrationLimits.MaxTotalFileBytes)} of files (put larger content in the base image)");

    /// <summary>413 whose detail says what a body of this route normally is (<paramref name="expected"/>).</summary>
    public static ApiResponse BodyTooLarge(long limit, string expected) =>
        Create(new ProblemBody(BodyTooLargeType, "The request body is too large", StatusCodes.Status413PayloadTooLarge,
            $"the body has more than {RegistrationLimits.Describe(limit)}; {expected}"));

    public static ApiResponse ImageNotFound(string nickname) =>
        Create(new ProblemBody(ImageNotFoundType, "No such image", StatusCodes.Status404NotFound,
            $"no image is registered as '{nickname}'; register it with PUT /api/images/{nickname}"));

    public static ApiResponse VersionNotFound(string nickname, int version) =>
        Create(new ProblemBody(VersionNotFoundType, "No such version", StatusCodes.Status404NotFound,
            $"'{nickname}' has no version {version}; GET /api/images/{nickname} lists its versions"));

    /// <summary>404 for a version that exists but was made by a rebase: <paramref name="what"/> only a builder leaves behind.</summary>
    public static ApiResponse NoBuildRecord(string nickname, int version, string what) =>
        Create(new ProblemBody(NoBuildRecordType, "The version was not built by a builder", StatusCodes.Status404NotFound,
            $"version {version} of {nickname} was rebased: no builder ran, so there is no {what}"));

    public static ApiResponse RunNotFound(string id) =>
        Create(new ProblemBody(RunNotFoundType, "No such run", StatusCodes.Status404NotFound,
            $"no run has the id '{id}'; start one with POST /api/images/{{nickname}}/runs and follow the statusUrl it answers"));

    public static ApiResponse Conflict(string detail) =>
        Create(new ProblemBody(ConflictType, "The registration changed meanwhile", StatusCodes.Status409Conflict, detail));

    public static ApiResponse RegistryFailed(string detail) =>
        Create(new ProblemBody(RegistryFailedType, "The registry refused the request", StatusCodes.Status502BadGateway, detail));

    /// <summary>401: no or unknown credentials; the detail says what to send, <paramref name="challenge"/> is the WWW-Authenticate value.</summary>
    public static ApiResponse Unauthenticated(string detail, string challenge) =>
        Create(new ProblemBody(UnauthenticatedType, "Who is calling is not known", StatusCodes.Status401Unauthorized, detail))
            .WithHeader("WWW-Authenticate", challenge);

    /// <summary>403: a known caller without the role the route needs; the detail names it.</summary>
    public static ApiResponse Forbidden(string detail) =>
        Create(new ProblemBody(ForbiddenType, "The caller's role does not allow this", StatusCodes.Status403Forbidden, detail));

    /// <summary>500 that tells nothing about the failure itself, only where an operator finds it.</summary>
    public static ApiResponse Unexpected(string traceId) =>
        Create(new ProblemBody(UnexpectedType, "An unexpected error occurred", StatusCodes.Status500InternalServerError,
            $"the service failed to handle this request; try again, and if it keeps failing give the operator trace id {traceId}")
        {
            TraceId = traceId,
        });

    private static ApiResponse Create(ProblemBody body) => new(body.Status, body, ContentType);
}
