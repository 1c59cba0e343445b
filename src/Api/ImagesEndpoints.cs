using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Registration;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using ManagedImages.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Api;

/// <summary>
/// /api/images: register (PUT), read (GET), list and delete custom images. Both hosts call these methods: the
/// one-machine host through <see cref="ManagedImagesApiEndpoints.MapManagedImagesApi"/>, the Functions app from its triggers.
/// </summary>
// The build store is optional so that a host composing only the stores (a test host) still serves every route.
public sealed class ImagesEndpoints(
    ImageStore store, RegistryClient registry, BuildRecordingStore recordings, RegistryAccessPolicy access,
    ILogger<ImagesEndpoints> logger, BuildStore? builds = null)
{
    /// <summary>
    /// PUT /api/images/{nickname}: stores the registration (If-Match optional). While no version exists yet (a new
    /// registration, or one whose first build failed) it starts the registration run once per revision and answers
    /// 202 with its status URL; an update of a ready image answers 200 (the next run rebuilds on the new revision).
    /// </summary>
    public Task<IResult> PutAsync(string nickname, HttpRequest request, DurableTaskClient durable) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            ArgumentNullException.ThrowIfNull(durable);
            if (NicknameProblem(nickname) is { } invalid) return invalid;
            var body = await RequestBody.ReadAsync<Registrations.Registration>(request, required: true, cancellationToken);
            if (body.Problem is not null) return body.Problem;
            var registration = body.Value!;

            var errors = RegistrationValidator.Validate(nickname, registration, access);
            if (errors.Count > 0) return Problems.Invalid(errors);

            var ifMatch = request.Headers.IfMatch.ToString();
            var stored = await store.SaveAsync(nickname, registration, string.IsNullOrEmpty(ifMatch) ? null : ifMatch, cancellationToken);

            if (stored.State == RegistrationState.Pending && stored.CurrentVersion is null)
            {
                var run = RegistrationRun(request, stored);
                await DurableStarts.StartOnceAsync(durable, nameof(RegisterImageOrchestrator), run.Id,
                    new RegisterImageInput(nickname, stored.Revision), cancellationToken);
                return new ApiResponse(StatusCodes.Status202Accepted, ImageView.From(stored, [], run))
                    .WithHeader("Location", run.StatusUrl)
                    .WithHeader("ETag", stored.ETag);
            }

            var versions = await store.GetVersionsAsync(nickname, cancellationToken);
            return new ApiResponse(StatusCodes.Status200OK, ImageView.From(stored, versions, null)).WithHeader("ETag", stored.ETag);
        });

    /// <summary>
    /// GET /api/images/{nickname}: the registration, its state and versions, newest first, and the builds going now with
    /// the runs waiting for them; ETag for a later If-Match.
    /// </summary>
    public Task<IResult> GetAsync(string nickname, HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            if (NicknameProblem(nickname) is { } invalid) return invalid;
            var stored = await store.GetAsync(nickname, cancellationToken);
            if (stored is null) return Problems.ImageNotFound(nickname);
            var versions = await store.GetVersionsAsync(nickname, cancellationToken);
            var run = stored.State == RegistrationState.Pending && stored.CurrentVersion is null ? RegistrationRun(request, stored) : null;
            var building = builds is null ? [] : await builds.FindBuildingAsync(nickname, cancellationToken);
            var view = ImageView.From(stored, versions, run) with
            {
                Building = building.Count == 0 ? null : building.Select(BuildingView.From).ToList(),
            };
            return new ApiResponse(StatusCodes.Status200OK, view).WithHeader("ETag", stored.ETag);
        });

    /// <summary>GET /api/images: every registered image, by nickname.</summary>
    public Task<IResult> ListAsync(HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            var all = await store.ListAsync(cancellationToken);
            return new ApiResponse(StatusCodes.Status200OK, new ImageList(all.Select(ImageSummary.From).ToList()));
        });

    /// <summary>
    /// DELETE /api/images/{nickname}: deletes the versions' manifests from the registry (one already gone is fine),
    /// then the build recordings and the records. Registry first: if it fails, the records still say what to clean up and a retry finishes.
    /// </summary>
    public Task<IResult> DeleteAsync(string nickname, HttpRequest request) =>
        ApiErrors.HandleAsync(logger, request, async cancellationToken =>
        {
            if (NicknameProblem(nickname) is { } invalid) return invalid;
            if (await store.GetAsync(nickname, cancellationToken) is null) return Problems.ImageNotFound(nickname);

            var versions = await store.GetVersionsAsync(nickname, cancellationToken);
            foreach (var image in versions.Select(PinnedImage).Distinct())
                await registry.DeleteManifestAsync(image, cancellationToken);
            await recordings.DeleteAllAsync(nickname, cancellationToken);

            return await store.DeleteAsync(nickname, cancellationToken)
                ? new ApiResponse(StatusCodes.Status204NoContent)
                : Problems.ImageNotFound(nickname);
        });

    internal static ApiResponse? NicknameProblem(string nickname) =>
        RegistrationValidator.NicknameProblem(nickname) is { } problem ? Problems.Invalid("nickname", problem) : null;

    private static RunLink RegistrationRun(HttpRequest request, StoredRegistration stored)
    {
        var id = RunIds.ForRegistration(stored);
        return new RunLink(id, RunIds.StatusUrl(request, id));
    }

    private static ImageReference PinnedImage(ImageVersion version)
    {
        var reference = ImageReference.Parse(version.Image);
        return reference.Digest is null ? reference.WithDigest(Digest.Parse(version.Digest)) : reference;
    }
}
