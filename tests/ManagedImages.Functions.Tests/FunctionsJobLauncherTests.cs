using ManagedImages.Functions;
using ManagedImages.Jobs;
using ManagedImages.Jobs.Kubernetes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Functions.Tests;

public sealed class FunctionsJobLauncherTests
{
    [Theory]
    [InlineData(null, typeof(KubernetesJobLauncher))]
    [InlineData("Docker", typeof(DockerJobLauncher))]
    public void The_Functions_app_runs_jobs_on_Kubernetes_unless_Jobs_Launcher_says_otherwise(string? launcher, Type expected)
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters: [{name: aks, cluster: {server: "https://127.0.0.1:1"}}]
            users: [{name: app, user: {token: t}}]
            contexts: [{name: aks, context: {cluster: aks, user: app}}]
            current-context: aks
            """);
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Jobs:Launcher"] = launcher,
                ["Kubernetes:KubeConfigPath"] = kubeconfig,
            }).Build();
            using var services = new ServiceCollection().AddLogging().AddManagedImagesFunctions(configuration).BuildServiceProvider();

            Assert.IsType(expected, services.GetRequiredService<IJobLauncher>());
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }
}
