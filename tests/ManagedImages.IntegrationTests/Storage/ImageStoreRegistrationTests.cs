using System.Security.Cryptography;
using ManagedImages.Registrations;
using ManagedImages.Storage;
using ManagedImages.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ManagedImages.IntegrationTests.Storage;

[Trait("Category", "Stack")]
public class ImageStoreRegistrationTests(ImageStoreFixture fixture) : IClassFixture<ImageStoreFixture>
{
    private readonly ImageStore store = fixture.Store;

    private static Registration Sample(string tag = "1.36") => new()
    {
        Base = $"127.0.0.1:5000/base/busybox:{tag}",
        Files = [new FileSpec { Path = "/etc/app.conf", Content = "mode: fast\n", Mode = "0600" }],
        Remove = ["/etc/motd"],
        Env = new Dictionary<string, string> { ["APP_MODE"] = "fast" },
        Cmd = ["/bin/sh", "-c", "cat /etc/app.conf"],
        Labels = new Dictionary<string, string> { ["team"] = "images" },
    };

    private static void AssertSameRegistration(Registration expected, Registration actual)
    {
        Assert.Equal(CustomizationHash.Compute(expected), CustomizationHash.Compute(actual));
        Assert.Equal(expected.Base, actual.Base);
        Assert.Equal(expected.Files, actual.Files);
    }

    [Fact]
    public async Task A_new_registration_is_stored_as_revision_1_pending_and_reads_back()
    {
        var nickname = ImageStoreFixture.NewNickname("create");
        var registration = Sample();

        var saved = await store.SaveAsync(nickname, registration, ifMatch: null);
        var read = await store.GetAsync(nickname);

        Assert.NotNull(read);
        Assert.Equal(1, saved.Revision);
        Assert.Equal(RegistrationState.Pending, read.State);
        Assert.Null(read.CurrentVersion);
        Assert.Null(read.FailureReason);
        Assert.Equal(CustomizationHash.Compute(registration), read.CustomizationHash);
        Assert.Equal(saved.ETag, read.ETag);
        Assert.NotEqual("", read.ETag);
        Assert.Equal(saved.CreatedAt, read.CreatedAt);
        AssertSameRegistration(registration, read.Registration);
        Assert.Equal(registration.Env, read.Registration.Env);
        Assert.Equal(registration.Cmd, read.Registration.Cmd);
    }

    [Fact]
    public async Task An_unknown_nickname_reads_as_null()
    {
        Assert.Null(await store.GetAsync(ImageStoreFixture.NewNickname("missing")));
    }

    [Fact]
    public async Task List_returns_every_saved_registration()
    {
        var first = ImageStoreFixture.NewNickname("list");
        var second = ImageStoreFixture.NewNickname("list");
        await store.SaveAsync(first, Sample(), null);
        await store.SaveAsync(second, Sample("1.37"), null);

        var listed = await store.ListAsync();

        Assert.Contains(listed, r => r.Nickname == first && r.Registration.Base.EndsWith(":1.36", StringComparison.Ordinal));
        Assert.Contains(listed, r => r.Nickname == second && r.Registration.Base.EndsWith(":1.37", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_change_grows_the_revision_and_keeps_the_creation_time()
    {
        var nickname = ImageStoreFixture.NewNickname("update");
        var first = await store.SaveAsync(nickname, Sample(), null);
        var second = await store.SaveAsync(nickname, Sample("1.37"), first.ETag);
        var third = await store.SaveAsync(nickname, Sample("1.37") with { Workdir = "/srv" }, null);

        var read = await store.GetAsync(nickname);
        Assert.Equal([1L, 2L, 3L], [first.Revision, second.Revision, third.Revision]);
        Assert.Equal(3, read!.Revision);
        Assert.Equal("/srv", read.Registration.Workdir);
        Assert.Equal(first.CreatedAt, read.CreatedAt);
        Assert.True(read.UpdatedAt >= first.UpdatedAt);
        Assert.NotEqual(first.ETag, read.ETag);
    }

    [Fact]
    public async Task Saving_an_identical_registration_changes_nothing()
    {
        var nickname = ImageStoreFixture.NewNickname("same");
        var first = await store.SaveAsync(nickname, Sample(), null);
        // Same customizations, spelled differently: content as base64, env in another object.
        var again = Sample() with
        {
            Files = [new FileSpec { Path = "/etc/app.conf", ContentBase64 = Convert.ToBase64String("mode: fast\n"u8), Mode = "600" }],
        };

        var second = await store.SaveAsync(nickname, again, first.ETag);

        Assert.Equal(1, second.Revision);
        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal(first.ETag, (await store.GetAsync(nickname))!.ETag);
    }

    [Fact]
    public async Task An_update_with_a_stale_etag_is_refused_and_keeps_the_newer_registration()
    {
        var nickname = ImageStoreFixture.NewNickname("stale");
        var first = await store.SaveAsync(nickname, Sample(), null);
        await store.SaveAsync(nickname, Sample("1.37"), first.ETag);

        var error = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(nickname, Sample("1.38"), first.ETag));

        Assert.Contains("read it again and retry", error.Message, StringComparison.Ordinal);
        var read = await store.GetAsync(nickname);
        Assert.Equal(2, read!.Revision);
        Assert.EndsWith(":1.37", read.Registration.Base, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_updates_with_the_same_etag_let_exactly_one_win_and_lose_nothing()
    {
        // Several rounds: on a loaded machine the two writes interleave differently each time.
        for (var round = 0; round < 5; round++)
        {
            var nickname = ImageStoreFixture.NewNickname("race");
            var read = await store.SaveAsync(nickname, Sample(), null);
            // Two stores: two processes, as when two API instances serve the same nickname.
            var other = fixture.NewStore();

            var attempts = new[] { store.SaveAsync(nickname, Sample("a"), read.ETag), other.SaveAsync(nickname, Sample("b"), read.ETag) };
            var outcomes = await Task.WhenAll(attempts.Select(async t =>
            {
                try { return (Saved: (StoredRegistration?)await t, Error: (Exception?)null); }
                catch (ConcurrencyConflictException e) { return (Saved: (StoredRegistration?)null, Error: (Exception?)e); }
            }));

            var winner = Assert.Single(outcomes, o => o.Saved is not null).Saved!;
            Assert.Single(outcomes, o => o.Error is ConcurrencyConflictException);
            var stored = await store.GetAsync(nickname);
            Assert.Equal(2, stored!.Revision);
            Assert.Equal(winner.Registration.Base, stored.Registration.Base);
            Assert.Equal(winner.ETag, stored.ETag);
        }
    }

    [Fact]
    public async Task A_creation_with_an_etag_for_a_deleted_registration_conflicts()
    {
        var nickname = ImageStoreFixture.NewNickname("gone");
        var first = await store.SaveAsync(nickname, Sample(), null);
        await store.DeleteAsync(nickname);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(nickname, Sample("1.37"), first.ETag));
        Assert.Null(await store.GetAsync(nickname));
    }

    [Fact]
    public async Task A_registration_with_400_KiB_of_files_round_trips_byte_for_byte()
    {
        var nickname = ImageStoreFixture.NewNickname("large");
        // Random bytes do not compress: the document spans several 64 KiB properties.
        var files = Enumerable.Range(0, 4)
            .Select(i => new FileSpec { Path = $"/data/blob{i}", ContentBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(100 * 1024)) })
            .ToList();
        var registration = new Registration { Base = "busybox:1.36", Files = files };
        Assert.Empty(RegistrationValidator.Validate(nickname, registration));

        await store.SaveAsync(nickname, registration, null);
        var read = await store.GetAsync(nickname);

        Assert.Equal(files.Select(f => f.Bytes()), read!.Registration.Files.Select(f => f.Bytes()));
        Assert.Equal(CustomizationHash.Compute(registration), read.CustomizationHash);

        // Shrinking it must not leave parts of the larger document behind.
        var small = registration with { Files = [files[0]] };
        await store.SaveAsync(nickname, small, null);
        var shrunk = await store.GetAsync(nickname);
        Assert.Equal(files[0].Bytes(), Assert.Single(shrunk!.Registration.Files).Bytes());
    }

    [Fact]
    public async Task An_invalid_nickname_is_refused_before_anything_is_written()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync("Not_A_Label", Sample(), null));
        Assert.Contains("lowercase letters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_removes_the_registration_and_a_second_delete_reports_nothing_to_delete()
    {
        var nickname = ImageStoreFixture.NewNickname("delete");
        await store.SaveAsync(nickname, Sample(), null);

        Assert.True(await store.DeleteAsync(nickname));
        Assert.Null(await store.GetAsync(nickname));
        Assert.False(await store.DeleteAsync(nickname));
        Assert.DoesNotContain(await store.ListAsync(), r => r.Nickname == nickname);
    }

    [Fact]
    public async Task AddImageStore_binds_the_storage_section()
    {
        var connectionString = LocalStack.Storage;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:ConnectionString"] = connectionString,
                ["Storage:TablePrefix"] = fixture.TablePrefix,
            })
            .Build();
        await using var services = new ServiceCollection().AddImageStore(configuration).BuildServiceProvider();

        var resolved = services.GetRequiredService<ImageStore>();
        var nickname = ImageStoreFixture.NewNickname("di");
        await store.SaveAsync(nickname, Sample(), null);

        Assert.Same(resolved, services.GetRequiredService<ImageStore>());
        Assert.Equal(fixture.TablePrefix + "images", resolved.TableName);
        Assert.NotNull(await resolved.GetAsync(nickname));
    }
}
