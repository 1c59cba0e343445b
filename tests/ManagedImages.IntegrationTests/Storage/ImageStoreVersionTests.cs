using ManagedImages.Registrations;
using ManagedImages.Storage;

namespace ManagedImages.IntegrationTests.Storage;

[Trait("Category", "Stack")]
public class ImageStoreVersionTests(ImageStoreFixture fixture) : IClassFixture<ImageStoreFixture>
{
    private readonly ImageStore store = fixture.Store;

    private static Registration Sample(string tag = "1.36") => new()
    {
        Base = $"127.0.0.1:5000/base/busybox:{tag}",
        Env = new Dictionary<string, string> { ["APP_MODE"] = "fast" },
    };

    private static ImageVersion Version(string nickname, int number, long revision = 1, char digit = 'a') => new(
        nickname,
        number,
        $"127.0.0.1:5000/managed/{nickname}:v{number}",
        "sha256:" + new string(digit, 63) + (number % 10),
        "127.0.0.1:5000/base/busybox:1.36",
        "sha256:" + new string('b', 64),
        revision,
        new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));

    private async Task<StoredRegistration> CreateAsync(string prefix) =>
        await store.SaveAsync(ImageStoreFixture.NewNickname(prefix), Sample(), null);

    [Fact]
    public async Task Adding_a_version_makes_it_current_and_the_registration_ready()
    {
        var created = await CreateAsync("ready");
        var version = Version(created.Nickname, 1);

        var updated = await store.AddVersionAsync(version);

        var read = await store.GetAsync(created.Nickname);
        Assert.Equal(RegistrationState.Ready, read!.State);
        Assert.Equal(1, read.CurrentVersion);
        Assert.Equal(read.ETag, updated.ETag);
        Assert.Equal(created.Revision, read.Revision);
        Assert.Equal(version, Assert.Single(await store.GetVersionsAsync(created.Nickname)));
    }

    [Fact]
    public async Task One_version_is_read_by_its_number_and_a_missing_one_is_null()
    {
        var created = await CreateAsync("one");
        await store.AddVersionAsync(Version(created.Nickname, 1));
        await store.AddVersionAsync(Version(created.Nickname, 2));

        Assert.Equal(Version(created.Nickname, 2), await store.GetVersionAsync(created.Nickname, 2));
        Assert.Null(await store.GetVersionAsync(created.Nickname, 3));
    }

    [Fact]
    public async Task Adding_the_same_version_twice_is_a_no_op()
    {
        var created = await CreateAsync("twice");
        var first = await store.AddVersionAsync(Version(created.Nickname, 1));

        var second = await store.AddVersionAsync(Version(created.Nickname, 1));

        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal(first.ETag, (await store.GetAsync(created.Nickname))!.ETag);
        Assert.Single(await store.GetVersionsAsync(created.Nickname));
    }

    [Fact]
    public async Task A_version_number_already_recorded_with_another_digest_is_refused_and_nothing_changes()
    {
        var created = await CreateAsync("clash");
        var first = await store.AddVersionAsync(Version(created.Nickname, 1));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddVersionAsync(Version(created.Nickname, 1, digit: 'c')));

        Assert.Contains("already recorded", error.Message, StringComparison.Ordinal);
        Assert.Equal(first.ETag, (await store.GetAsync(created.Nickname))!.ETag);
        Assert.Equal(Version(created.Nickname, 1).Digest, Assert.Single(await store.GetVersionsAsync(created.Nickname)).Digest);
    }

    [Fact]
    public async Task The_current_version_moves_forward_only()
    {
        var created = await CreateAsync("moves");
        await store.AddVersionAsync(Version(created.Nickname, 1));
        await store.AddVersionAsync(Version(created.Nickname, 3));
        Assert.Equal(3, (await store.GetAsync(created.Nickname))!.CurrentVersion);

        // A slow build of an older version completing late does not step back.
        await store.AddVersionAsync(Version(created.Nickname, 2));
        Assert.Equal(3, (await store.GetAsync(created.Nickname))!.CurrentVersion);
    }

    [Fact]
    public async Task Versions_are_listed_newest_first_even_past_nine()
    {
        var created = await CreateAsync("order");
        foreach (var number in new[] { 2, 10, 1, 9 }) await store.AddVersionAsync(Version(created.Nickname, number));

        var versions = await store.GetVersionsAsync(created.Nickname);

        Assert.Equal([10, 9, 2, 1], versions.Select(v => v.Number));
    }

    [Fact]
    public async Task Adding_a_version_to_a_missing_registration_fails_and_records_nothing()
    {
        var nickname = ImageStoreFixture.NewNickname("orphan");

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AddVersionAsync(Version(nickname, 1)));

        Assert.Empty(await store.GetVersionsAsync(nickname));
    }

    [Fact]
    public async Task A_version_added_while_the_registration_is_updated_keeps_both_changes()
    {
        // Several rounds: the two writes interleave differently on a loaded machine.
        for (var round = 0; round < 5; round++)
        {
            var created = await CreateAsync("both");
            var other = fixture.NewStore();
            var addVersion = store.AddVersionAsync(Version(created.Nickname, 1));
            var update = other.SaveAsync(created.Nickname, Sample("1.37"), created.ETag);

            await addVersion;
            var updated = true;
            try { await update; }
            catch (ConcurrencyConflictException) { updated = false; } // the version landed between its read and write

            var read = await store.GetAsync(created.Nickname);
            Assert.Equal(RegistrationState.Ready, read!.State);
            Assert.Equal(1, read.CurrentVersion);
            Assert.Equal(updated ? 2 : 1, read.Revision);
            Assert.Equal(updated ? ":1.37" : ":1.36", read.Registration.Base[^5..]);
            Assert.Single(await store.GetVersionsAsync(created.Nickname));
        }
    }

    [Fact]
    public async Task A_pending_registration_is_marked_failed_with_its_reason()
    {
        var created = await CreateAsync("failed");

        await store.MarkFailedAsync(created.Nickname, created.Revision, "the base image was not found");

        var read = await store.GetAsync(created.Nickname);
        Assert.Equal(RegistrationState.Failed, read!.State);
        Assert.Equal("the base image was not found", read.FailureReason);
        Assert.Equal(created.Revision, read.Revision);
        AssertSameDocument(created, read);
    }

    [Fact]
    public async Task Marking_failed_at_another_revision_or_when_ready_changes_nothing()
    {
        var created = await CreateAsync("nofail");
        var updated = await store.SaveAsync(created.Nickname, Sample("1.37"), null);

        await store.MarkFailedAsync(created.Nickname, created.Revision, "old build failed");
        Assert.Equal(updated.ETag, (await store.GetAsync(created.Nickname))!.ETag);

        var ready = await store.AddVersionAsync(Version(created.Nickname, 1, revision: 2));
        await store.MarkFailedAsync(created.Nickname, ready.Revision, "late failure");
        var read = await store.GetAsync(created.Nickname);
        Assert.Equal(RegistrationState.Ready, read!.State);
        Assert.Null(read.FailureReason);
    }

    [Fact]
    public async Task Updating_a_failed_registration_makes_it_pending_again_and_clears_the_reason()
    {
        var created = await CreateAsync("retry");
        await store.MarkFailedAsync(created.Nickname, created.Revision, "boom");

        var updated = await store.SaveAsync(created.Nickname, Sample("1.37"), null);

        var read = await store.GetAsync(created.Nickname);
        Assert.Equal(2, updated.Revision);
        Assert.Equal(RegistrationState.Pending, read!.State);
        Assert.Null(read.FailureReason);
    }

    [Fact]
    public async Task Saving_a_failed_registration_again_unchanged_makes_it_pending_at_the_same_revision()
    {
        var created = await CreateAsync("again");
        await store.MarkFailedAsync(created.Nickname, created.Revision, "registry was down");
        var failed = await store.GetAsync(created.Nickname);

        var retried = await store.SaveAsync(created.Nickname, created.Registration, null);

        var read = await store.GetAsync(created.Nickname);
        Assert.Equal(created.Revision, retried.Revision);
        Assert.Equal(RegistrationState.Pending, read!.State);
        Assert.Null(read.FailureReason);
        Assert.True(read.UpdatedAt > failed!.UpdatedAt, "a new attempt is marked by a later UpdatedAt");
    }

    [Fact]
    public async Task Updating_a_ready_registration_keeps_it_ready_with_its_current_version()
    {
        var created = await CreateAsync("stays");
        await store.AddVersionAsync(Version(created.Nickname, 1));

        await store.SaveAsync(created.Nickname, Sample("1.37"), null);

        var read = await store.GetAsync(created.Nickname);
        Assert.Equal(RegistrationState.Ready, read!.State);
        Assert.Equal(1, read.CurrentVersion);
        Assert.Equal(2, read.Revision);
    }

    [Fact]
    public async Task Delete_removes_the_versions_too_and_a_new_registration_starts_clean()
    {
        var created = await CreateAsync("wipe");
        await store.AddVersionAsync(Version(created.Nickname, 1));
        await store.AddVersionAsync(Version(created.Nickname, 2));

        Assert.True(await store.DeleteAsync(created.Nickname));

        Assert.Empty(await store.GetVersionsAsync(created.Nickname));
        var again = await store.SaveAsync(created.Nickname, Sample(), null);
        Assert.Equal(1, again.Revision);
        Assert.Null(again.CurrentVersion);
        Assert.Equal(RegistrationState.Pending, again.State);
    }

    private static void AssertSameDocument(StoredRegistration expected, StoredRegistration actual) =>
        Assert.Equal(expected.CustomizationHash, CustomizationHash.Compute(actual.Registration));
}
