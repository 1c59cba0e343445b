using System.Globalization;
using System.Text.Json.Nodes;
using Azure.Core;
using ManagedImages.Builders.AcrTasks;
using ManagedImages.Builds;
using ManagedImages.Oci;
using ManagedImages.Registrations;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.IntegrationTests.AcrTasks;

/// <summary>
/// One test's ACR Tasks setup: the fake ARM endpoint, the builder wired as the hosts wire it (with a test credential),
/// the stack's real registry as the run's registry, and a nickname of its own.
/// </summary>
internal sealed class AcrBuildWorld : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private AcrBuildWorld(FakeAcrTasks arm, TestTokenCredential credential, ServiceProvider services, string registry)
    {
        Arm = arm;
        Credential = credential;
        this.services = services;
        Registry = registry;
        Nickname = UniqueNames.Of("acr");
    }

    public FakeAcrTasks Arm { get; }

    public TestTokenCredential Credential { get; }

    public string Registry { get; }

    public string Nickname { get; }

    public string Repository => $"managed/{Nickname}";

    public AcrTasksBuilder Builder => services.GetRequiredService<AcrTasksBuilder>();

    public RegistryClient RegistryClient => services.GetRequiredService<RegistryClient>();

    public static async Task<AcrBuildWorld> StartAsync(TimeSpan? timeout = null)
    {
        var registry = await LocalStack.RequireRegistryAsync();
        var arm = FakeAcrTasks.Start();
        var credential = new TestTokenCredential(arm.Token);
        var configuration = LocalStack.Configuration(new Dictionary<string, string?>
        {
            ["Builds:AcrTasks:SubscriptionId"] = FakeAcrTasks.SubscriptionId,
            ["Builds:AcrTasks:ResourceGroup"] = FakeAcrTasks.ResourceGroup,
            ["Builds:AcrTasks:RegistryName"] = FakeAcrTasks.RegistryName,
            ["Builds:AcrTasks:ArmEndpoint"] = arm.Endpoint.ToString(),
            ["Builds:AcrTasks:ApiVersion"] = FakeAcrTasks.ApiVersion,
            ["Builds:AcrTasks:Timeout"] = (timeout ?? TimeSpan.FromMinutes(2)).ToString("c", CultureInfo.InvariantCulture),
            ["Builds:AcrTasks:PollInterval"] = "00:00:00.200",
            ["Builds:AcrTasks:RetryDelay"] = "00:00:00.200",
        });
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton<TokenCredential>(credential);
        collection.AddAcrTasksBuilder(configuration);
        return new AcrBuildWorld(arm, credential, collection.BuildServiceProvider(), registry);
    }

    /// <summary>Version <paramref name="version"/> of a registration that installs a package on a base of the stack's registry.</summary>
    public BuildRequest Request(int version = 1) => new(
        Nickname,
        version,
        3,
        new Registration { Base = $"{Registry}/it-acr-bases/busybox:stable", Packages = new PackageSpec { Apt = ["curl"] } },
        Digest.Sha256("base"u8.ToArray()).ToString());

    /// <summary>
    /// What an ACR Tasks run would push: a busybox image under the working tag, as a Docker schema 2 manifest (what
    /// ACR's Docker builds push). Returns its digest.
    /// </summary>
    public async Task<Digest> PushWorkingImageAsync(int version = 1)
    {
        return await BusyboxImage.PushDockerSchema2Async(
            RegistryClient, new ImageReference(Registry, Repository, WorkingTag.For(version), null), BusyboxImage.Entries("1"), CancellationToken.None);
    }

    /// <summary>Makes succeeded runs report <paramref name="digest"/> pushed under each image name they were given.</summary>
    public void RunsPush(Digest digest) =>
        Arm.OutputImages = names => [.. names.Select(name => (JsonNode)new JsonObject
        {
            ["registry"] = Registry,
            ["repository"] = name.Split(':')[0],
            ["tag"] = name.Split(':')[1],
            ["digest"] = digest.ToString(),
        })];

    public IEnumerable<FakeAcrTasks.ReceivedRequest> ArmRequests(string method, string pathEnd) =>
        Arm.Requests.Where(r => r.Method == method && r.Path.EndsWith(pathEnd, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        await Arm.DisposeAsync();
    }
}
