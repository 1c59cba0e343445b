using System.Diagnostics;
using Azure.Data.Tables;
using Docker.DotNet.Models;
using ManagedImages.Jobs;
using ManagedImages.Local.Cli.Api;
using ManagedImages.Oci;
using ManagedImages.TestSupport;
using Xunit.Abstractions;

namespace ManagedImages.Local.Tests;

/// <summary>
/// Issue 5's single-flight figure on the one-machine host (Azure Storage provider on Azurite), through its HTTP API:
/// 100 runs at once on a stale image.
/// </summary>
[Collection(EngineHeavyTests.Name)]
public sealed class SingleFlightAtScaleTests(HostFixture fixture, ITestOutputHelper output) : IClassFixture<HostFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    [Fact, Trait("Category", "Stack")]
    public async Task A_hundred_concurrent_runs_on_a_stale_image_make_one_build_and_a_hundred_jobs_on_the_new_digest()
    {
        const int runs = 100;
        HostProcess host = await fixture.RequireAsync();
        await using TestImages images = new();
        using ApiClient api = new(host.Url);
        using CancellationTokenSource timeout = new(Patience);
        string nickname = UniqueNames.Of("flight");
        try
        {
            await images.PublishBaseAsync(1);
            ImageDetails registered = await api.RegisterAsync(nickname, images.Registration(), timeout.Token);
            RunStatus first = await api.WaitForRunAsync(registered.RegistrationRun!.Id, null, timeout.Token);
            Assert.True(first.RuntimeStatus == "Completed", $"registration ended {first.RuntimeStatus}: {first.Failure?.Message}\n{host.Output}");
            Digest base2 = await images.PublishBaseAsync(2);

            Stopwatch clock = Stopwatch.StartNew();
            RunLink[] started = await Task.WhenAll(Enumerable.Range(0, runs).Select(i =>
                api.StartRunAsync(nickname, [], new Dictionary<string, string> { ["WHO"] = $"run{i}" }, timeout.Token)));
            // One at a time: every run has to finish anyway, and 100 pollers would only load the host.
            List<RunStatus> finished = [];
            foreach (RunLink run in started)
            {
                finished.Add(await api.WaitForRunAsync(run.Id, null, timeout.Token));
            }

            output.WriteLine($"{runs} runs finished {clock.Elapsed.TotalSeconds:F1} s after the first request");
            Assert.All(finished, run => Assert.True(run.RuntimeStatus == "Completed", $"run {run.Id} ended {run.RuntimeStatus}: {run.Failure?.Message}"));
            ImageDetails image = await api.GetImageAsync(nickname, timeout.Token);
            Assert.Equal([2, 1], image.Versions.Select(v => v.Number));
            VersionDetails built = image.Versions[0];
            Assert.Equal(base2.ToString(), built.BaseDigest);
            // One build attempt per base digest (v1's at registration, v2's for the runs), and no version number burned.
            (int attempts, int lastVersion) = await BuildRowsAsync(host, nickname);
            Assert.Equal((2, 2), (attempts, lastVersion));

            List<RunResult> outputs = finished.Select(run => run.RunOutput!).ToList();
            Assert.All(outputs, o => Assert.Equal((2, built.Digest, 0), (o.Version, o.ImageDigest, o.ExitCode)));
            Assert.All(outputs, o => Assert.Contains("base version: 2", o.LogTail ?? []));
            // The jobs really ran: one container per run, each from the new version pinned by digest.
            IList<ContainerListResponse> containers = await ContainersAsync(nickname);
            Assert.Equal(
                started.Select(r => r.Id).Order(StringComparer.Ordinal),
                containers.Select(c => c.Labels[JobLabels.RunId]).Order(StringComparer.Ordinal));
            Assert.All(containers, c => Assert.Equal((built.Digest, "exited"), (c.Labels[JobLabels.ImageDigest], c.State)));
            Assert.All(containers, c => Assert.EndsWith("@" + built.Digest, c.Image, StringComparison.Ordinal));
        }
        finally
        {
            using var docker = LocalStack.Docker();
            foreach (ContainerListResponse container in await ContainersAsync(nickname))
            {
                await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            }
        }
    }

    /// <summary>The nickname's build attempt rows and its version counter, read from the host's builds table.</summary>
    private static async Task<(int Attempts, int LastVersion)> BuildRowsAsync(HostProcess host, string nickname)
    {
        TableClient table = new(LocalStack.Storage, host.TablePrefix + "builds");
        int attempts = 0, lastVersion = 0;
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {nickname}")))
        {
            if (row.RowKey == "version-counter")
            {
                lastVersion = row.GetInt32("LastVersion") ?? 0;
            }
            else
            {
                attempts++;
            }
        }

        return (attempts, lastVersion);
    }

    private static async Task<IList<ContainerListResponse>> ContainersAsync(string nickname)
    {
        using var docker = LocalStack.Docker();
        return await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{JobLabels.Nickname}={nickname}"] = true },
            },
        });
    }
}
