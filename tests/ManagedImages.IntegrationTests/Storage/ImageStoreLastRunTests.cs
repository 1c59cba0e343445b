using ManagedImages.Registrations;
using ManagedImages.Storage;

namespace ManagedImages.IntegrationTests.Storage;

[Trait("Category", "Stack")]
public class ImageStoreLastRunTests(ImageStoreFixture fixture) : IClassFixture<ImageStoreFixture>
{
    private readonly ImageStore store = fixture.Store;

    private static Registration On(string baseReference) => new()
    {
        Base = baseReference,
        Files = [new FileSpec { Path = "/etc/app.conf", Content = "x\n" }],
    };

    [Fact]
    public async Task Recording_a_run_keeps_the_registrations_ETag_so_an_If_Match_update_still_succeeds()
    {
        var nickname = ImageStoreFixture.NewNickname("lastrun");
        var saved = await store.SaveAsync(nickname, On("127.0.0.1:5000/lastrun/base:1"), ifMatch: null);
        var at = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

        await store.RecordRunAsync(nickname, saved.Registration.Base, at);

        Assert.Equal(at, await store.GetLastRunAsync(nickname));
        Assert.Equal(saved.ETag, (await store.GetAsync(nickname))!.ETag);
        var updated = await store.SaveAsync(nickname, On("127.0.0.1:5000/lastrun/base:2"), saved.ETag);
        Assert.Equal(2, updated.Revision);
        Assert.Equal(at, await store.GetLastRunAsync(nickname));
        Assert.Empty(await store.GetVersionsAsync(nickname));
    }

    [Fact]
    public async Task Runs_are_found_by_base_tag_and_time_whatever_way_the_base_was_written()
    {
        var repository = "lastrun/" + ImageStoreFixture.NewNickname("base");
        var now = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        var recent = ImageStoreFixture.NewNickname("recent");
        var old = ImageStoreFixture.NewNickname("old");
        var other = ImageStoreFixture.NewNickname("other");
        var never = ImageStoreFixture.NewNickname("never");
        foreach (var nickname in new[] { recent, old, other, never })
            await store.SaveAsync(nickname, On($"127.0.0.1:5000/{repository}"), ifMatch: null);

        await store.RecordRunAsync(recent, $"127.0.0.1:5000/{repository}", now.AddHours(-1));
        await store.RecordRunAsync(old, $"127.0.0.1:5000/{repository}:latest", now.AddDays(-30));
        await store.RecordRunAsync(other, $"127.0.0.1:5000/{repository}:2", now);

        var found = await store.FindRunSinceAsync(BaseTagName.Of("127.0.0.1:5000", repository, "latest"), now.AddDays(-7));

        Assert.Equal([recent], found);
        Assert.Null(await store.GetLastRunAsync(never));
    }

    [Fact]
    public async Task Deleting_an_image_deletes_its_last_run()
    {
        var nickname = ImageStoreFixture.NewNickname("lastrun-del");
        await store.SaveAsync(nickname, On("127.0.0.1:5000/lastrun/base:1"), ifMatch: null);
        await store.RecordRunAsync(nickname, "127.0.0.1:5000/lastrun/base:1", DateTimeOffset.UtcNow);

        Assert.True(await store.DeleteAsync(nickname));

        Assert.Null(await store.GetLastRunAsync(nickname));
        Assert.DoesNotContain(nickname, await store.FindRunSinceAsync(BaseTagName.Of("127.0.0.1:5000/lastrun/base:1")!, DateTimeOffset.UtcNow.AddDays(-1)));
    }

    [Fact]
    public async Task The_index_holds_a_nickname_once_per_base_tag_with_its_latest_run_there()
    {
        var baseName = BaseTagName.Of("127.0.0.1:5000", "lastrun/" + ImageStoreFixture.NewNickname("idx"), "1");
        var other = BaseTagName.Of("127.0.0.1:5000", "lastrun/" + ImageStoreFixture.NewNickname("idx"), "1");
        var nickname = ImageStoreFixture.NewNickname("indexed");
        var pinned = ImageStoreFixture.NewNickname("pinned");
        var now = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        await store.SaveAsync(nickname, On(baseName), ifMatch: null);

        await store.RecordRunAsync(nickname, baseName, now.AddDays(-30));
        await store.RecordRunAsync(nickname, baseName, now.AddHours(-1));
        // Moved to another base and run there: the old tag's row stays (readers check the registration's base).
        await store.RecordRunAsync(nickname, other, now);
        // A base pinned by digest follows no tag: recorded as run, indexed nowhere.
        await store.RecordRunAsync(pinned, "127.0.0.1:5000/lastrun/base@sha256:" + new string('d', 64), now);

        Assert.Equal([nickname], await store.FindRunSinceAsync(baseName, now.AddDays(-7)));
        Assert.Empty(await store.FindRunSinceAsync(baseName, now.AddMinutes(-1)));
        Assert.Equal([nickname], await store.FindRunSinceAsync(other, now));
        Assert.Equal(now, await store.GetLastRunAsync(nickname));
        Assert.Equal(now, await store.GetLastRunAsync(pinned));
    }
}
