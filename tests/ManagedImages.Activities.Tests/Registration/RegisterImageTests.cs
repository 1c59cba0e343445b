using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using ManagedImages.TestSupport;
using ManagedImages.Layers;
using ManagedImages.Builds;
using ManagedImages.Activities.Tests.Support;
using ManagedImages.Registration;
using ManagedImages.Storage;
using Microsoft.DurableTask.Client;

namespace ManagedImages.Activities.Tests.Registration;

[Trait("Category", "Stack")]
public sealed class RegisterImageTests
{
    [Fact]
    public async Task Registering_builds_version_1_on_the_base_digest_and_marks_the_registration_ready()
    {
        await using var world = await World.StartAsync();
        var baseDigest = await world.PushBaseAsync("1");

        var registered = await world.RegisterAsync(world.Greeting("hello"));

        Assert.Equal((1, baseDigest), (registered.Version, registered.BaseDigest));
        var stored = await world.Images.GetAsync(world.Nickname);
        Assert.Equal((RegistrationState.Ready, (int?)1), (stored!.State, stored.CurrentVersion));
    }

    [Fact]
    public async Task A_version_number_whose_tag_the_registry_already_holds_is_never_given_out_again()
    {
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        // Tags left by builds whose records are gone (tables wiped, the registry kept).
        var options = world.Services.GetRequiredService<IOptions<CustomImageOptions>>().Value;
        foreach (var version in new[] { 1, 2 })
        {
            await BusyboxImage.PushAsync(world.Services.GetRequiredService<ScratchImage>(),
                options.ReferenceFor(world.Nickname, version), $"left over {version}", CancellationToken.None);
        }

        var registered = await world.RegisterAsync(world.Greeting("hello"));

        Assert.Equal(3, registered.Version);
    }

    [Fact]
    public async Task A_registration_whose_build_fails_is_marked_failed_with_the_reason()
    {
        await using var world = await World.StartAsync();
        await world.PushBaseAsync("1");
        world.Builder.FailWith = "no such layer (injected)";
        var stored = await world.Images.SaveAsync(world.Nickname, world.Greeting("hello"), null);

        var registering = await world.RunToEndAsync(nameof(RegisterImageOrchestrator), new RegisterImageInput(world.Nickname, stored.Revision));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, registering.RuntimeStatus);
        Assert.Equal("the build of v1 failed: no such layer (injected)", registering.FailureDetails!.ErrorMessage);
        var marked = await world.Images.GetAsync(world.Nickname);
        Assert.Equal(RegistrationState.Failed, marked!.State);
        Assert.Equal("the build of v1 failed: no such layer (injected)", marked.FailureReason);
    }
}
