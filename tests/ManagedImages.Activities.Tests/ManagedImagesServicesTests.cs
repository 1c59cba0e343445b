using ManagedImages.Builds;
using ManagedImages.Jobs;
using ManagedImages.Jobs.Kubernetes;
using ManagedImages.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ManagedImages.Activities.Tests;

public sealed class ManagedImagesServicesTests
{
    [Fact]
    public void Build_options_default_to_a_30_minute_timeout_checked_every_30_seconds()
    {
        using var services = new ServiceCollection().AddManagedImages(Configuration([])).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<BuildOptions>>().Value;

        Assert.Equal((TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(30)), (options.Timeout, options.CheckInterval));
    }

    [Fact]
    public void Build_options_are_read_from_the_Builds_section()
    {
        using var services = new ServiceCollection()
            .AddManagedImages(Configuration(new() { ["Builds:Timeout"] = "00:05:00", ["Builds:CheckInterval"] = "00:00:10" }))
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<BuildOptions>>().Value;

        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10)), (options.Timeout, options.CheckInterval));
    }

    [Fact]
    public void A_build_timeout_that_is_not_positive_is_refused_naming_the_setting()
    {
        using var services = new ServiceCollection()
            .AddManagedImages(Configuration(new() { ["Builds:Timeout"] = "00:00:00" }))
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BuildOptions>>().Value);

        Assert.Contains("Builds:Timeout must be a positive duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_is_awaited_in_slices_of_10_minutes_unless_Jobs_AwaitSlice_says_otherwise()
    {
        using var defaults = new ServiceCollection().AddManagedImages(Configuration([])).BuildServiceProvider();
        using var set = new ServiceCollection().AddManagedImages(Configuration(new() { ["Jobs:AwaitSlice"] = "00:02:00" })).BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(10), defaults.GetRequiredService<IOptions<JobAwaitOptions>>().Value.AwaitSlice);
        Assert.Equal(TimeSpan.FromMinutes(2), set.GetRequiredService<IOptions<JobAwaitOptions>>().Value.AwaitSlice);
    }

    [Fact]
    public void An_await_slice_that_is_not_positive_is_refused_naming_the_setting()
    {
        using var services = new ServiceCollection()
            .AddManagedImages(Configuration(new() { ["Jobs:AwaitSlice"] = "00:00:00" }))
            .BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<JobAwaitOptions>>().Value);

        Assert.Contains("Jobs:AwaitSlice must be a positive duration", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_job_launcher_other_than_Docker_or_Kubernetes_is_refused_naming_the_setting_and_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new ServiceCollection().AddManagedImages(Configuration(new() { ["Jobs:Launcher"] = "Nomad" })));

        Assert.Equal(
            "Jobs:Launcher is 'Nomad', which is not a job launcher; use \"Docker\" (a Docker engine) or \"Kubernetes\" " +
            "(Jobs on a Kubernetes cluster, section Kubernetes)", error.Message);
    }

    [Theory]
    [InlineData(null, typeof(DockerJobLauncher))]
    [InlineData("Docker", typeof(DockerJobLauncher))]
    [InlineData("kubernetes", typeof(KubernetesJobLauncher))]
    public void Jobs_Launcher_chooses_the_job_launcher(string? launcher, Type expected)
    {
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: x, context: {cluster: c, user: u, namespace: jobs}}]
            current-context: x
            """);
        try
        {
            using var services = new ServiceCollection().AddLogging()
                .AddManagedImages(Configuration(new() { ["Jobs:Launcher"] = launcher, ["Kubernetes:KubeConfigPath"] = kubeconfig }))
                .BuildServiceProvider();

            Assert.IsType(expected, services.GetRequiredService<IJobLauncher>());
        }
        finally
        {
            File.Delete(kubeconfig);
        }
    }

    [Theory]
    [InlineData(5, "5 s")]
    [InlineData(90, "1 min 30 s")]
    [InlineData(1800, "30 min")]
    [InlineData(5400, "1 h 30 min")]
    public void Durations_in_messages_read_as_people_write_them(int seconds, string expected)
    {
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromSeconds(seconds)));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
