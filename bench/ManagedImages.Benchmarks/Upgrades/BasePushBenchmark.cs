using System.Diagnostics;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using ManagedImages.Benchmarks.Harness;
using ManagedImages.Benchmarks.Runs;
using ManagedImages.Builds;
using ManagedImages.Layers;
using ManagedImages.Oci;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using ManagedImages.Upgrades;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.Benchmarks.Upgrades;

/// <summary>
/// Figure 7: a base push for a base tag used by many registrations of which a few were run recently, handled by
/// <see cref="BasePushHandler"/> in the one-machine host's services (what the ACR webhook and Event Grid endpoints call):
/// time to handle the event and the upgrades it started, beside the push of a base tag that no image was run on
/// recently, in the same table, interleaved. The background builds it starts are waited for (and checked) between
/// repetitions, outside the measured time.
/// </summary>
internal sealed class BasePushBenchmark(int registrations, int recent, int repetitions, TextWriter output)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        output.WriteLine($"# base-push ({MachineInfo.Describe()})");
        var registry = await LocalStack.RequireRegistryAsync(cancellationToken);
        await LocalStack.RequireAzuriteAsync(cancellationToken);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var tablePrefix = "bench" + suffix;
        var settings = new Dictionary<string, string?>
        {
            ["Storage:TablePrefix"] = tablePrefix,
            ["CustomImages:RepositoryPrefix"] = "bench-push",
        };
        await using var host = await LocalHostBackend.StartAsync(settings, "bench" + suffix, cancellationToken);
        try
        {
            return await MeasureAsync(host.Services, registry, suffix, cancellationToken);
        }
        finally
        {
            var tables = new TableServiceClient(LocalStack.Storage);
            foreach (var table in new[] { "images", "runsbybase", "builds" })
                await tables.DeleteTableAsync(tablePrefix + table, CancellationToken.None);
        }
    }

    private async Task<int> MeasureAsync(IServiceProvider services, string registry, string suffix, CancellationToken cancellationToken)
    {
        var scratch = services.GetRequiredService<ScratchImage>();
        var images = services.GetRequiredService<ImageStore>();
        var handler = services.GetRequiredService<BasePushHandler>();
        var subject = new ImageReference(registry, $"bench-push/base-{suffix}", "latest", null);
        var idle = new ImageReference(registry, $"bench-push/idle-{suffix}", "latest", null);
        var busybox = await File.ReadAllBytesAsync("/bin/busybox", cancellationToken);

        var first = await PushBaseAsync(scratch, subject, busybox, "0", cancellationToken);
        await PushBaseAsync(scratch, idle, busybox, "0", cancellationToken);

        // The images: `recent` of them run an hour ago, the rest 30 days ago (outside the 7-day window).
        var now = DateTimeOffset.UtcNow;
        var seeded = Enumerable.Range(0, registrations).Select(i => new SeededImage(
            $"bp{suffix}-{i:D5}", registry, subject.ToString(), first, now.AddDays(-40), i < recent ? now.AddHours(-1) : now.AddDays(-30), Counter: i < recent)).ToList();
        var seeding = Stopwatch.StartNew();
        await new RegistrationSeeder(
            new TableClient(LocalStack.Storage, images.TableName),
            new TableClient(LocalStack.Storage, images.RunsByBaseTableName),
            new TableClient(LocalStack.Storage, services.GetRequiredService<BuildStore>().TableName)).SeedAsync(seeded, 16, cancellationToken);
        seeding.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  seeded {registrations:N0} registrations on {subject} ({recent} run within the window) into {images.TableName}: " +
            $"{registrations * 3:N0} rows in {registrations:N0} table transactions and {registrations:N0} index rows, {seeding.Elapsed.TotalSeconds:0.0} s ({registrations / seeding.Elapsed.TotalSeconds:0} registrations/s, 16 at once)"));

        var subjectMs = new List<double>();
        var idleMs = new List<double>();
        var queryMs = new List<double>();
        var started = new List<int>();
        var buildsMs = new List<double>();
        // Repetition 0 is the warmup.
        for (var rep = 0; rep <= repetitions; rep++)
        {
            var release = (rep + 1).ToString(CultureInfo.InvariantCulture);
            var subjectDigest = await PushBaseAsync(scratch, subject, busybox, release, cancellationToken);
            var idleDigest = await PushBaseAsync(scratch, idle, busybox, release, cancellationToken);
            double subjectTime = 0, idleTime = 0;
            BasePushResult? result = null;
            // Alternate the order, so drift in the machine's load does not favour either.
            if (rep % 2 == 0) await Subject();
            idleTime = await TimeAsync(async () =>
            {
                var r = await handler.HandleAsync(Push(idle, idleDigest), cancellationToken);
                if (r.Outcome != BasePushOutcome.Handled || r.UpgradesStarted.Count != 0)
                    throw new InvalidOperationException($"The idle base's push: {r.Outcome}, {r.Detail}");
            });
            if (rep % 2 == 1) await Subject();

            var query = await TimeAsync(async () =>
                await images.FindRunSinceAsync(BaseTagName.Of(subject.ToString())!, DateTimeOffset.UtcNow.AddDays(-7), cancellationToken));
            var builds = Stopwatch.StartNew();
            await WaitForUpgradesAsync(services, result!, subjectDigest, cancellationToken);
            builds.Stop();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {(rep == 0 ? "warmup" : $"rep {rep}")}: push of the used base {subjectTime:0.0} ms ({result!.RecentlyRun} run recently, {result.UpgradesStarted.Count} upgrades started), " +
                $"idle base {idleTime:0.0} ms, the last-run query alone {query:0.0} ms; the {result.UpgradesStarted.Count} background builds took {builds.Elapsed.TotalSeconds:0.0} s more"));
            if (rep == 0) continue;
            subjectMs.Add(subjectTime);
            idleMs.Add(idleTime);
            queryMs.Add(query);
            started.Add(result.UpgradesStarted.Count);
            buildsMs.Add(builds.Elapsed.TotalMilliseconds);

            async Task Subject()
            {
                subjectTime = await TimeAsync(async () => result = await handler.HandleAsync(Push(subject, subjectDigest), cancellationToken));
            }
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{repetitions} repetitions after 1 warmup, each pushing a new digest of both base tags; BasePushHandler.HandleAsync in the one-machine host's services; ms, medians (range)"));
        output.WriteLine();
        var table = new MarkdownTable("event", "registrations on the tag", "run within 7 days", "upgrades started", "time to handle (median)", "range", "ratio");
        var idleMedian = Samples.Median(idleMs);
        table.Add("push of a base tag no image was run on recently (baseline)", "0", "0", "0", Samples.Ms(idleMedian), Range(idleMs), "1.00× (baseline)");
        table.Add("push of the used base tag", registrations.ToString("N0", CultureInfo.InvariantCulture), recent.ToString(CultureInfo.InvariantCulture),
            string.Join(", ", started.Distinct()), Samples.Ms(Samples.Median(subjectMs)), Range(subjectMs), Samples.Ratio(Samples.Median(subjectMs) / idleMedian));
        table.Add("(part of both) the last-run query alone (FindRunSinceAsync)", "", "", "", Samples.Ms(Samples.Median(queryMs)), Range(queryMs), "");
        table.Add("(after the event, not in it) the upgrades' background builds, to the last", "", "", "", Samples.Ms(Samples.Median(buildsMs)), Range(buildsMs), "");
        output.Write(table);
        return started.All(n => n == recent) ? 0 : 1;
    }

    private static string Range(List<double> values) => $"{Samples.Ms(values.Min())}–{Samples.Ms(values.Max())}";

    private static BasePush Push(ImageReference tag, string digest) => new(tag.Registry, tag.Repository, tag.Tag, digest);

    private static async Task<double> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>A busybox base whose /etc/base-release says <paramref name="release"/>, under <paramref name="tag"/>; its digest.</summary>
    private static async Task<string> PushBaseAsync(ScratchImage scratch, ImageReference tag, byte[] busybox, string release, CancellationToken cancellationToken)
    {
        LayerEntry[] entries =
        [
            LayerEntry.File("bin/busybox", (UnixFileMode)0b111_101_101, busybox),
            LayerEntry.SymbolicLink("bin/sh", "busybox"),
            LayerEntry.File("etc/base-release", LayerEntry.DefaultFileMode, Encoding.UTF8.GetBytes(release + "\n")),
        ];
        var pushed = await scratch.PushAsync(tag, entries, new ScratchImageConfig { Cmd = ["sh"] }, cancellationToken);
        return pushed.Digest;
    }

    /// <summary>Waits until every upgrade the push started has built, and fails if one did not succeed.</summary>
    private static async Task WaitForUpgradesAsync(IServiceProvider services, BasePushResult result, string digest, CancellationToken cancellationToken)
    {
        var builds = services.GetRequiredService<BuildStore>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        foreach (var nickname in result.UpgradesStarted)
        {
            while (true)
            {
                var record = await builds.GetAsync(new BuildKey(nickname, 1, digest), cancellationToken);
                if (record is { Status: BuildStatus.Succeeded }) break;
                if (record is { Status: BuildStatus.Failed } || record is null || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"The upgrade of {nickname} to {digest}: {record?.Status.ToString() ?? "no record"} {record?.Error}");
                await Task.Delay(100, cancellationToken);
            }
        }
    }
}
