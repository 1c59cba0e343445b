using ManagedImages.Layers;
using ManagedImages.Registry;
using ManagedImages.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.IntegrationTests.Layers;

/// <summary>
/// A layer builder on the stack's registry, with every registry request it sends recorded, and a busybox base
/// pushed in two versions under one tag. Fails with a hint when the registry is not there.
/// </summary>
public sealed class LayerBuilderFixture : IAsyncLifetime
{
    private ServiceProvider? _services;

    public RegistryRequestLog Requests { get; } = new();

    public string Registry { get; private set; } = "";

    public TwoVersionBase Base { get; private set; } = null!;

    public IServiceProvider Services => _services ?? throw new InvalidOperationException("The fixture is not initialised.");

    public LayerBuilder Builder => Services.GetRequiredService<LayerBuilder>();

    public RegistryClient Client => Services.GetRequiredService<RegistryClient>();

    public ScratchImage Scratch => Services.GetRequiredService<ScratchImage>();

    public async Task InitializeAsync()
    {
        Registry = await LocalStack.RequireRegistryAsync();
        var configuration = LocalStack.Configuration(new Dictionary<string, string?> { ["CustomImages:RepositoryPrefix"] = "it-layers" });
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        // Innermost handler: it sees every attempt the client sends, after auth and retries.
        services.AddRegistryClient(configuration).AddHttpMessageHandler(() => new RecordingHandler(Requests));
        services.AddLayerBuilder(configuration);
        _services = services.BuildServiceProvider();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Base = await TwoVersionBase.PushAsync(Scratch, Registry, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
    }

    private sealed class RecordingHandler(RegistryRequestLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            log.Add(new RegistryRequest(request.Method, request.RequestUri!, response.StatusCode));
            return response;
        }
    }
}
