using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ManagedImages.Infra.Tests;

/// <summary>The role assignments the design needs, each on the one resource it is used on, and no others.</summary>
[Collection(SharedCompilation.Name)]
public sealed partial class RoleAssignmentsTests(CompiledTemplate compiled)
{
    private const string StorageAccount = "Microsoft.Storage/storageAccounts";
    private const string Registry = "Microsoft.ContainerRegistry/registries";
    private const string Cluster = "Microsoft.ContainerService/managedClusters";
    private const string Namespace = "Microsoft.ContainerService/managedClusters/namespaces";
    private const string AppInsights = "Microsoft.Insights/components";
    private const string CustomRole = "custom";

    /// <summary>A role assignment read from the compiled template: role definition id, scope type, principal parameter.</summary>
    private sealed record Assignment(string Role, string ScopeType, string Principal);

    [Fact]
    public void Exactly_the_designed_assignments_are_made()
    {
        var expected = new[]
        {
            new Assignment("b7e6dc6d-f1e8-4753-8033-0f276bb0955b", StorageAccount, "appPrincipalId"), // Storage Blob Data Owner
            new Assignment("974c5e8b-45b9-4653-ba55-5f855dd0fb88", StorageAccount, "appPrincipalId"), // Storage Queue Data Contributor
            new Assignment("0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3", StorageAccount, "appPrincipalId"), // Storage Table Data Contributor
            new Assignment("3913510d-42f4-4e42-8a64-420c390055eb", AppInsights, "appPrincipalId"), // Monitoring Metrics Publisher
            new Assignment("8311e382-0749-4cb8-b61a-304f252e45ec", Registry, "appPrincipalId"), // AcrPush
            new Assignment("c2f4ef07-c644-48eb-af81-4b1b4947fb11", Registry, "appPrincipalId"), // AcrDelete
            new Assignment(CustomRole, Registry, "appPrincipalId"), // ACR Tasks runner
            new Assignment("4abbcc35-e782-43d8-92c5-2d3f1bd2253f", Cluster, "appPrincipalId"), // AKS Cluster User
            new Assignment("a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb", Namespace, "appPrincipalId"), // AKS RBAC Writer
            new Assignment("7f951dda-4ed3-4680-a7ca-43fe172d538d", Registry, "kubeletPrincipalId"), // AcrPull
        };

        var actual = Assignments().ToList();

        Assert.Equal(expected.OrderBy(a => a.ToString()), actual.OrderBy(a => a.ToString()));
    }

    [Fact]
    public void No_assignment_is_made_at_resource_group_or_subscription_scope()
    {
        var assignments = compiled.ResourcesOfType("Microsoft.Authorization/roleAssignments").ToList();

        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.StartsWith("[resourceId(", (string?)a["scope"] ?? "(none: the deployment's resource group)", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_assignment_names_a_service_principal_and_has_a_name_known_before_deployment()
    {
        var assignments = compiled.ResourcesOfType("Microsoft.Authorization/roleAssignments").ToList();

        Assert.All(assignments, a =>
        {
            Assert.Equal("ServicePrincipal", (string?)a["properties"]!["principalType"]);
            // Principal ids are runtime values: a name built from one defeats what-if and changes with the identity.
            Assert.DoesNotContain("PrincipalId", (string)a["name"]!, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_acr_tasks_role_allows_only_the_run_operations_on_the_one_registry()
    {
        var role = compiled.OnlyOne("Microsoft.Authorization/roleDefinitions")["properties"]!;
        var permissions = role["permissions"]!.AsArray().Single()!;
        var actions = permissions["actions"]!.AsArray().Select(a => (string)a!).ToList();

        Assert.Equal(
            [
                "Microsoft.ContainerRegistry/registries/listBuildSourceUploadUrl/action",
                "Microsoft.ContainerRegistry/registries/read",
                "Microsoft.ContainerRegistry/registries/runs/cancel/action",
                "Microsoft.ContainerRegistry/registries/runs/listLogSasUrl/action",
                "Microsoft.ContainerRegistry/registries/runs/read",
                "Microsoft.ContainerRegistry/registries/scheduleRun/action",
            ],
            actions.Order(StringComparer.Ordinal));
        Assert.Empty(permissions["dataActions"]!.AsArray());
        Assert.Equal("[resourceId('Microsoft.ContainerRegistry/registries', parameters('registryName'))]",
            (string?)role["assignableScopes"]!.AsArray().Single());
    }

    private IEnumerable<Assignment> Assignments()
    {
        foreach (var template in compiled.Templates())
        {
            foreach (var resource in CompiledTemplate.Resources(template).Where(r => CompiledTemplate.Type(r) == "Microsoft.Authorization/roleAssignments"))
            {
                var properties = resource["properties"]!;
                yield return new Assignment(
                    RoleOf((string)properties["roleDefinitionId"]!, template),
                    ScopeTypeRegex().Match((string?)resource["scope"] ?? "").Groups[1].Value,
                    ParameterRegex().Match((string)properties["principalId"]!).Groups[1].Value);
            }
        }
    }

    /// <summary>A built-in role's id (literal or from the template's variables), or "custom" for a role defined here.</summary>
    private static string RoleOf(string expression, JsonObject template)
    {
        if (expression.StartsWith("[resourceId('Microsoft.Authorization/roleDefinitions', guid(", StringComparison.Ordinal)) return CustomRole;
        var variable = VariableRegex().Match(expression);
        if (variable.Success)
        {
            return (string?)template["variables"]?[variable.Groups[1].Value]?[variable.Groups[2].Value]
                ?? throw new InvalidOperationException($"no variable {variable.Value} in the template");
        }
        return GuidRegex().Match(expression) is { Success: true } guid ? guid.Value : expression;
    }

    [GeneratedRegex(@"resourceId\('([^']+)'")]
    private static partial Regex ScopeTypeRegex();

    [GeneratedRegex(@"parameters\('(\w+)'\)")]
    private static partial Regex ParameterRegex();

    [GeneratedRegex(@"variables\('(\w+)'\)\.(\w+)")]
    private static partial Regex VariableRegex();

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex GuidRegex();
}
