using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace ManagedImages.Infra.Tests;

/// <summary>host.json holds the values README's "host.json" table explains, and the Functions app ships it.</summary>
public sealed class HostJsonTests
{
    private static readonly JsonNode Host = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "host.json")))!;

    private static JsonNode Durable => Host["extensions"]!["durableTask"]!;

    [Fact]
    public void The_task_hub_name_is_one_azure_storage_accepts()
    {
        var hub = (string)Durable["hubName"]!;

        Assert.Matches("^[A-Za-z][A-Za-z0-9]{2,44}$", hub);
    }

    [Fact]
    public void Durable_inputs_and_outputs_are_not_traced()
    {
        // Run requests carry users' env values; they must not end up in Application Insights.
        Assert.False((bool)Durable["tracing"]!["traceInputsAndOutputs"]!);
    }

    [Fact]
    public void Concurrency_sessions_and_polling_are_set_explicitly()
    {
        var storage = Durable["storageProvider"]!;

        Assert.False((bool)Durable["extendedSessionsEnabled"]!);
        Assert.InRange((int)Durable["maxConcurrentActivityFunctions"]!, 1, 200);
        Assert.InRange((int)Durable["maxConcurrentOrchestratorFunctions"]!, 1, 200);
        Assert.InRange((int)storage["partitionCount"]!, 1, 16);
        Assert.InRange(TimeSpan.Parse((string)storage["maxQueuePollingInterval"]!, CultureInfo.InvariantCulture), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        Assert.Equal("AzureWebJobsStorage", (string?)storage["connectionName"]);
    }

    [Fact]
    public void The_function_timeout_outlasts_a_build_wait_check_and_is_bounded()
    {
        var timeout = TimeSpan.Parse((string)Host["functionTimeout"]!, CultureInfo.InvariantCulture);

        Assert.InRange(timeout, TimeSpan.FromMinutes(30), TimeSpan.FromHours(2));
    }

    [Fact]
    public void The_functions_project_copies_host_json_to_its_output_and_publish_folders()
    {
        var project = XDocument.Load(Path.Combine(BicepCli.RepositoryRoot, "src/Functions/ManagedImages.Functions.csproj"));

        var item = project.Descendants("None").SingleOrDefault(e => ((string?)e.Attribute("Include"))?.EndsWith("host.json", StringComparison.Ordinal) == true);

        Assert.NotNull(item);
        Assert.Equal("host.json", (string?)item.Attribute("Link"));
        Assert.Contains((string?)item.Attribute("CopyToOutputDirectory"), new[] { "PreserveNewest", "Always" });
        Assert.NotEqual("Never", (string?)item.Attribute("CopyToPublishDirectory"));
        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(BicepCli.RepositoryRoot, "src/Functions", (string)item.Attribute("Include")!.Value.Replace('\\', '/')))));
    }

    [Fact]
    public void The_local_settings_example_has_no_secret_values()
    {
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(BicepCli.RepositoryRoot, "src/Functions/local.settings.json.example")))!;
        var values = example["Values"]!.AsObject();

        Assert.All(values.Where(v => v.Key.Contains("Secret", StringComparison.OrdinalIgnoreCase) || v.Key.Contains("Key", StringComparison.Ordinal)),
            v => Assert.Equal("", (string?)v.Value));
        Assert.All(values, v => Assert.DoesNotContain("AccountKey=", (string?)v.Value ?? "", StringComparison.Ordinal));
        Assert.Equal("dotnet-isolated", (string?)values["FUNCTIONS_WORKER_RUNTIME"]);
    }
}
