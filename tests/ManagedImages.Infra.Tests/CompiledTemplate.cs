using System.Text.Json.Nodes;

namespace ManagedImages.Infra.Tests;

/// <summary>
/// main.bicep compiled once (offline) to its ARM JSON, with the modules' nested templates, for the tests that check
/// what would be deployed.
/// </summary>
public sealed class CompiledTemplate : IAsyncLifetime
{
    public JsonObject Main { get; private set; } = new();

    public string Json { get; private set; } = "";

    public BicepResult Build { get; private set; } = new(-1, "", "");

    public async Task InitializeAsync()
    {
        Build = await BicepCli.RunAsync("build", BicepCli.Template("main.bicep"), "--stdout");
        Json = Build.Output;
        if (Build.ExitCode == 0) Main = JsonNode.Parse(Json)!.AsObject();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A module's template (the nested deployment named <paramref name="deploymentName"/>).</summary>
    public JsonObject Module(string deploymentName) =>
        Resources(Main).SingleOrDefault(r => Type(r) == "Microsoft.Resources/deployments" && (string?)r["name"] == deploymentName)
            ?["properties"]?["template"]?.AsObject()
        ?? throw new InvalidOperationException($"main.bicep has no module deployment named {deploymentName}");

    /// <summary>Every template: main and its modules.</summary>
    public IEnumerable<JsonObject> Templates() =>
        new[] { Main }.Concat(Resources(Main).Where(r => Type(r) == "Microsoft.Resources/deployments")
            .Select(r => r["properties"]!["template"]!.AsObject()));

    /// <summary>The resources of a template, whether an array or (language version 2.0) an object by symbolic name.</summary>
    public static IEnumerable<JsonObject> Resources(JsonObject template) =>
        template["resources"] switch
        {
            JsonArray array => array.Select(r => r!.AsObject()),
            JsonObject map => map.Select(p => p.Value!.AsObject()),
            _ => [],
        };

    public IEnumerable<JsonObject> ResourcesOfType(string type) =>
        Templates().SelectMany(Resources).Where(r => Type(r) == type);

    public JsonObject OnlyOne(string type) =>
        ResourcesOfType(type).Count() == 1 ? ResourcesOfType(type).Single() : throw new InvalidOperationException($"expected one {type}, found {ResourcesOfType(type).Count()}");

    public static string? Type(JsonObject resource) => (string?)resource["type"];
}
