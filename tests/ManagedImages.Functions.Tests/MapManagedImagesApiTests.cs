using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ManagedImages.Api;
using ManagedImages.Functions.Tests.Support;
using Microsoft.Extensions.Configuration;
using ManagedImages.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ManagedImages.Functions.Tests;

/// <summary>
/// The same handlers mapped with minimal APIs (as the one-machine host does) on Kestrel on a free loopback port:
/// the routes, status codes, content types and problem documents over real HTTP.
/// </summary>
[Trait("Category", "Stack")]
public sealed class MapManagedImagesApiTests(ApiFixture fixture) : IClassFixture<ApiFixture>, IAsyncLifetime
{
    private WebApplication? app;
    private Uri? address;

    private HttpClient NewClient()
    {
        var http = new HttpClient { BaseAddress = address ?? throw new InvalidOperationException("not started"), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("X-MS-CLIENT-PRINCIPAL", Principals.Admin);
        return http;
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(fixture.Store);
        builder.Services.AddSingleton(fixture.Registry);
        builder.Services.AddSingleton(fixture.Services.GetRequiredService<ManagedImages.Registry.RegistryAccessPolicy>());
        builder.Services.AddSingleton(fixture.Services.GetRequiredService<ManagedImages.Builds.BuildRecordingStore>());
        builder.Services.AddSingleton<DurableTaskClient>(DurableClients.Create().Object);
        builder.Configuration.AddInMemoryCollection(TestAccess.Settings);
        builder.Services.AddAppServiceAccess(builder.Configuration);
        app = builder.Build();
        app.MapManagedImagesApi();
        await app.StartAsync();
        address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }

    [Fact]
    public async Task Put_then_get_and_list_answer_the_same_json_as_the_functions()
    {
        using var http = NewClient();
        var nick = UniqueNames.Of("map");
        using var content = new StringContent("{\"base\": \"127.0.0.1:5000/fntest/busybox:1\"}", Encoding.UTF8, "application/json");

        using var put = await http.PutAsync($"/api/images/{nick}", content);
        using var get = await http.GetAsync($"/api/images/{nick}");
        var list = await http.GetFromJsonAsync<JsonElement>("/api/images");

        Assert.Equal(HttpStatusCode.Accepted, put.StatusCode);
        Assert.StartsWith($"{http.BaseAddress}api/runs/register-{nick}-r1-", put.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal("application/json", put.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.NotNull(get.Headers.ETag);
        var body = await get.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Pending", body.GetProperty("state").GetString());
        Assert.Contains(list.GetProperty("images").EnumerateArray(), i => i.GetProperty("nickname").GetString() == nick);
    }

    [Fact]
    public async Task Errors_are_problem_json_with_type_title_status_and_detail()
    {
        using var http = NewClient();
        using var notFound = await http.GetAsync("/api/images/map-nobody");
        using var content = new StringContent("{\"base\": \"127.0.0.1:5000/x:1\", \"cmdd\": []}", Encoding.UTF8, "application/json");
        using var unknownField = await http.PutAsync("/api/images/map-x", content);
        using var runNotFound = await http.GetAsync("/api/runs/none-such");

        var problems = new Dictionary<HttpResponseMessage, JsonElement>();
        foreach (var (response, status) in new[] { (notFound, 404), (unknownField, 400), (runNotFound, 404) })
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var problem = problems[response] = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.StartsWith("urn:managed-images:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
            Assert.Equal(status, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        }
        var fields = problems[unknownField].GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("field").GetString());
        Assert.Equal(["cmdd"], fields);
    }
}
