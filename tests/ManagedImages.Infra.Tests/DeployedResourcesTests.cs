using System.Text.Json.Nodes;

namespace ManagedImages.Infra.Tests;

/// <summary>What the compiled template would deploy: identities, transport security, no keys, the webhook, the settings.</summary>
[Collection(SharedCompilation.Name)]
public sealed class DeployedResourcesTests(CompiledTemplate compiled)
{
    private JsonNode App => compiled.OnlyOne("Microsoft.Web/sites");

    [Fact]
    public void The_function_app_is_linux_https_only_with_a_system_identity()
    {
        var properties = App["properties"]!;

        Assert.Equal("SystemAssigned", (string?)App["identity"]!["type"]);
        Assert.Equal("functionapp,linux", (string?)App["kind"]);
        Assert.True((bool)properties["httpsOnly"]!);
        Assert.Equal("1.2", (string?)properties["siteConfig"]!["minTlsVersion"]);
        Assert.Equal("Disabled", (string?)properties["siteConfig"]!["ftpsState"]);
    }

    [Fact]
    public void Flex_consumption_is_the_default_plan_and_the_runtime_is_dotnet_isolated_10()
    {
        var main = compiled.Main["parameters"]!;
        var runtime = (string)App["properties"]!["functionAppConfig"]!;
        var linuxFxVersion = (string)App["properties"]!["siteConfig"]!["linuxFxVersion"]!;

        Assert.Equal("FlexConsumption", (string?)main["hostingPlan"]!["defaultValue"]);
        Assert.Contains("ElasticPremium", main["hostingPlan"]!["allowedValues"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("10.0", (string?)main["dotnetVersion"]!["defaultValue"]);
        Assert.Contains("'runtime', createObject('name', 'dotnet-isolated', 'version', parameters('dotnetVersion'))", runtime, StringComparison.Ordinal);
        Assert.Contains("'DOTNET-ISOLATED|{0}', parameters('dotnetVersion')", linuxFxVersion, StringComparison.Ordinal);
    }

    [Fact]
    public void The_storage_account_takes_no_keys_and_only_tls_1_2_https()
    {
        var properties = compiled.OnlyOne("Microsoft.Storage/storageAccounts")["properties"]!;

        Assert.False((bool)properties["allowSharedKeyAccess"]!);
        Assert.False((bool)properties["allowBlobPublicAccess"]!);
        Assert.True((bool)properties["supportsHttpsTrafficOnly"]!);
        Assert.Equal("TLS1_2", (string?)properties["minimumTlsVersion"]);
    }

    [Fact]
    public void Registry_and_cluster_have_no_shared_credentials()
    {
        var registry = compiled.OnlyOne("Microsoft.ContainerRegistry/registries")["properties"]!;
        var cluster = compiled.OnlyOne("Microsoft.ContainerService/managedClusters")["properties"]!;

        Assert.False((bool)registry["adminUserEnabled"]!);
        Assert.True((bool)cluster["disableLocalAccounts"]!);
        Assert.True((bool)cluster["aadProfile"]!["enableAzureRBAC"]!);
    }

    [Fact]
    public void No_key_is_read_and_no_output_carries_a_secret()
    {
        // A list*() call (listKeys, listCredentials, listSecrets...) would put a key into the deployment.
        Assert.DoesNotMatch(@"\blist[A-Z]\w*\(", compiled.Json);
        foreach (var template in compiled.Templates())
        {
            var secure = (template["parameters"]?.AsObject() ?? [])
                .Where(p => ((string?)p.Value!["type"])?.StartsWith("secure", StringComparison.Ordinal) == true)
                .Select(p => p.Key).ToList();
            foreach (var (name, output) in template["outputs"]?.AsObject() ?? [])
            {
                Assert.DoesNotContain("secure", (string?)output!["type"] ?? "", StringComparison.Ordinal);
                Assert.All(secure, s => Assert.DoesNotContain($"parameters('{s}')", output.ToJsonString(), StringComparison.Ordinal));
                Assert.DoesNotContain("secret", name, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public void The_webhook_secret_is_a_secure_parameter_wherever_it_travels()
    {
        Assert.Equal("securestring", (string?)compiled.Main["parameters"]!["acrWebhookSecret"]!["type"]);
        Assert.Equal("securestring", (string?)compiled.Module("functionapp")["parameters"]!["acrWebhookSecret"]!["type"]);
        Assert.Equal("securestring", (string?)compiled.Module("registry-webhook")["parameters"]!["secret"]!["type"]);
        Assert.Null(compiled.Main["parameters"]!["acrWebhookSecret"]!["defaultValue"]);
    }

    [Fact]
    public void The_acr_webhook_posts_every_push_to_the_app_with_the_secret_header()
    {
        var webhook = compiled.OnlyOne("Microsoft.ContainerRegistry/registries/webhooks")["properties"]!;
        var main = compiled.Main["resources"]!["webhook"]!["properties"]!["parameters"]!;

        Assert.Equal(["push"], webhook["actions"]!.AsArray().Select(a => (string?)a));
        Assert.Equal("", (string?)webhook["scope"]);
        Assert.Equal("[parameters('serviceUri')]", (string?)webhook["serviceUri"]);
        Assert.Equal(
            "[if(empty(parameters('acrWebhookFunctionKey')), createObject('value', format('https://{0}/api/webhooks/acr', reference('app').outputs.hostName.value)), " +
            "createObject('value', format('https://{0}/api/webhooks/acr?code={1}', reference('app').outputs.hostName.value, parameters('acrWebhookFunctionKey'))))]",
            (string?)main["serviceUri"]);
        Assert.Equal("securestring", (string?)compiled.Main["parameters"]!["acrWebhookFunctionKey"]!["type"]);
        Assert.Equal("X-ManagedImages-Webhook-Key", (string?)compiled.Main["variables"]!["webhookHeaderName"]);
        Assert.Equal("[parameters('secret')]", (string?)webhook["customHeaders"]!["[format('{0}', parameters('headerName'))]"]);
    }

    [Fact]
    public void The_app_settings_reach_storage_by_identity_and_carry_the_webhook_secret()
    {
        var settings = compiled.Module("functionapp")["variables"]!["serviceSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToString());

        Assert.Equal("[parameters('storageAccountName')]", settings["AzureWebJobsStorage__accountName"]);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);
        Assert.Equal("[parameters('tableEndpoint')]", settings["Storage__TableEndpoint"]);
        Assert.DoesNotContain("Storage__ConnectionString", settings.Keys);
        Assert.Equal("[parameters('acrWebhookSecret')]", settings["Webhooks__AcrSecret"]);
        Assert.Equal("AcrTasks", settings["Builds__PackageBuilder"]);
        Assert.Equal("Authorization=AAD", settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]);
    }

    [Fact]
    public void The_app_reaches_AKS_with_Entra_ID_through_the_cluster_resource_id()
    {
        var settings = compiled.Module("functionapp")["variables"]!["serviceSettings"]!.AsArray()
            .ToDictionary(s => (string)s!["name"]!, s => s!["value"]!.ToString());

        Assert.Equal("Kubernetes", settings["Jobs__Launcher"]);
        Assert.Equal("EntraId", settings["Kubernetes__Authentication"]);
        Assert.Equal("[parameters('aksClusterId')]", settings["Kubernetes__Aks__ResourceId"]);
        Assert.Equal("[parameters('kubernetesNamespace')]", settings["Kubernetes__Namespace"]);
        Assert.Equal("ManagedIdentity", settings["Registry__Acr__Credential"]);
        Assert.DoesNotContain("Kubernetes__ApiServer", settings.Keys);
        var app = compiled.Main["resources"]!["app"]!["properties"]!["parameters"]!;
        Assert.Equal("[reference('cluster').outputs.id.value]", (string?)app["aksClusterId"]!["value"]);
        Assert.Equal("[resourceId('Microsoft.ContainerService/managedClusters', parameters('name'))]",
            (string?)compiled.Module("aks")["outputs"]!["id"]!["value"]);
    }

    [Fact]
    public void The_app_url_is_an_output()
    {
        Assert.Equal("[format('https://{0}', reference('app').outputs.hostName.value)]", (string?)compiled.Main["outputs"]!["appUrl"]!["value"]);
    }
}
