using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using ManagedImages.Layers;
using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Layers;

public class LayerWriterTests
{
    private static readonly Registration Sample = new()
    {
        Base = "127.0.0.1:5000/bases/busybox:1",
        Files =
        [
            new FileSpec { Path = "/usr/local/bin/hello", Content = "#!/bin/sh\necho hello\n", Mode = "0755" },
            new FileSpec { Path = "/etc/app/config.json", Content = "{\"a\":1}" },
            new FileSpec { Path = "/etc/app/data.bin", ContentBase64 = Convert.ToBase64String([0, 1, 2, 255]), Mode = "0600" },
        ],
        Remove = ["/etc/motd", "/var/cache/apt"],
    };

    [Fact]
    public async Task Writing_the_same_registration_twice_gives_the_same_digests_and_bytes()
    {
        await using var first = await LayerWriter.WriteAsync(Sample, CancellationToken.None);
        await Task.Delay(1100); // a clock leaking into the layer would show after a second
        await using var second = await LayerWriter.WriteAsync(Sample, CancellationToken.None);

        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.DiffId, second.DiffId);
        Assert.Equal(first.Size, second.Size);
        Assert.Equal(ReadAll(first.Content), ReadAll(second.Content));
    }

    [Fact]
    public async Task The_digest_is_the_sha256_of_the_blob_and_the_diff_id_the_sha256_of_the_tar()
    {
        await using var layer = await LayerWriter.WriteAsync(Sample, CancellationToken.None);
        var blob = ReadAll(layer.Content);

        Assert.Equal(blob.Length, layer.Size);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(blob)), layer.Digest.ToString());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Gunzip(blob))), layer.DiffId.ToString());
    }

    [Fact]
    public async Task The_order_of_files_in_the_registration_does_not_change_the_layer()
    {
        var reordered = Sample with { Files = [.. Sample.Files.Reverse()], Remove = [.. Sample.Remove.Reverse()] };
        await using var first = await LayerWriter.WriteAsync(Sample, CancellationToken.None);
        await using var second = await LayerWriter.WriteAsync(reordered, CancellationToken.None);

        Assert.Equal(first.Digest, second.Digest);
    }

    [Fact]
    public async Task Entries_are_sorted_by_path_with_parent_directories_and_whiteouts()
    {
        await using var layer = await LayerWriter.WriteAsync(Sample, CancellationToken.None);
        var names = ReadEntries(layer).Select(e => e.Name).ToList();

        Assert.Equal(
            [
                "etc/", "etc/.wh.motd", "etc/app/", "etc/app/config.json", "etc/app/data.bin",
                "usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/hello", "var/cache/.wh.apt",
            ],
            names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Modes_come_from_the_registration_and_parent_directories_get_0755()
    {
        await using var layer = await LayerWriter.WriteAsync(Sample, CancellationToken.None);
        var entries = ReadEntries(layer).ToDictionary(e => e.Name);

        Assert.Equal((UnixFileMode)0x1ED, entries["usr/local/bin/hello"].Mode); // 0755
        Assert.Equal((UnixFileMode)0x1A4, entries["etc/app/config.json"].Mode); // 0644 by default
        Assert.Equal((UnixFileMode)0x180, entries["etc/app/data.bin"].Mode);    // 0600
        Assert.Equal(TarEntryType.Directory, entries["usr/local/"].EntryType);
        Assert.Equal((UnixFileMode)0x1ED, entries["usr/local/"].Mode);
    }

    [Fact]
    public async Task Every_entry_has_a_fixed_time_and_root_ownership_without_names()
    {
        await using var layer = await LayerWriter.WriteAsync(Sample, CancellationToken.None);

        Assert.All(ReadEntries(layer), e =>
        {
            Assert.Equal(DateTimeOffset.UnixEpoch, e.ModificationTime);
            Assert.Equal(0, e.Uid);
            Assert.Equal(0, e.Gid);
            Assert.Equal("", e.UserName);
            Assert.Equal("", e.GroupName);
            Assert.Equal(TarEntryFormat.Gnu, e.Format);
        });
    }

    [Fact]
    public async Task File_content_and_whiteouts_are_written_as_given()
    {
        await using var layer = await LayerWriter.WriteAsync(Sample, CancellationToken.None);
        var entries = ReadEntries(layer).ToDictionary(e => e.Name);

        Assert.Equal("#!/bin/sh\necho hello\n", System.Text.Encoding.UTF8.GetString(entries["usr/local/bin/hello"].Content));
        Assert.Equal([0, 1, 2, 255], entries["etc/app/data.bin"].Content);
        Assert.Equal(TarEntryType.RegularFile, entries["var/cache/.wh.apt"].EntryType);
        Assert.Empty(entries["var/cache/.wh.apt"].Content);
    }

    [Fact]
    public async Task The_gzip_header_has_no_name_no_time_and_a_pinned_os_byte()
    {
        await using var layer = await LayerWriter.WriteAsync(Sample, CancellationToken.None);
        var header = ReadAll(layer.Content)[..10];

        // magic, deflate, no flags (so no file name), mtime 0, xfl 0 (level 6), OS 255 (unknown)
        Assert.Equal(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255 }, header);
    }

    [Fact]
    public async Task Symbolic_links_and_explicit_directories_keep_their_kind_and_target()
    {
        await using var layer = await LayerWriter.WriteAsync(
            [
                LayerEntry.File("bin/busybox", (UnixFileMode)0x1ED, "binary"u8.ToArray()),
                LayerEntry.SymbolicLink("bin/sh", "busybox"),
                LayerEntry.Directory("tmp", (UnixFileMode)0x3FF),
            ],
            CancellationToken.None);
        var entries = ReadEntries(layer).ToDictionary(e => e.Name);

        Assert.Equal(["bin/", "bin/busybox", "bin/sh", "tmp/"], entries.Keys);
        Assert.Equal(TarEntryType.SymbolicLink, entries["bin/sh"].EntryType);
        Assert.Equal("busybox", entries["bin/sh"].LinkName);
        Assert.Equal((UnixFileMode)0x3FF, entries["tmp/"].Mode);
    }

    [Fact]
    public async Task Long_paths_are_written_whole()
    {
        var path = string.Join('/', Enumerable.Repeat("directory-with-a-long-name", 12)) + "/file.txt";
        await using var layer = await LayerWriter.WriteAsync([LayerEntry.File(path, LayerEntry.DefaultFileMode, "x"u8.ToArray())], CancellationToken.None);

        Assert.Contains(path, ReadEntries(layer).Select(e => e.Name));
    }

    [Fact]
    public async Task A_layer_written_from_a_large_stream_has_the_streams_content()
    {
        const long size = 3 * 1024 * 1024 + 17;
        await using var layer = await LayerWriter.WriteAsync(
            [LayerEntry.File("data/big.bin", LayerEntry.DefaultFileMode, () => new PatternStream(size))], CancellationToken.None);
        var entry = ReadEntries(layer).Single(e => e.Name == "data/big.bin");

        Assert.Equal(size, entry.Content.Length);
        Assert.Equal(ReadAll(new PatternStream(size)), entry.Content);
    }

    [Fact]
    public async Task The_same_path_twice_is_refused_with_the_path_named()
    {
        var twice = Sample with { Files = [new FileSpec { Path = "/a/b", Content = "1" }, new FileSpec { Path = "a//b", Content = "2" }] };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => LayerWriter.WriteAsync(twice, CancellationToken.None));
        Assert.Contains("/a/b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_also_a_parent_directory_is_refused()
    {
        var conflict = Sample with { Files = [new FileSpec { Path = "/a", Content = "1" }, new FileSpec { Path = "/a/b", Content = "2" }], Remove = [] };

        await Assert.ThrowsAsync<ArgumentException>(() => LayerWriter.WriteAsync(conflict, CancellationToken.None));
    }

    [Theory]
    [InlineData("/etc/../passwd", "files[0].path")]
    [InlineData("/", "files[0].path")]
    [InlineData("/etc/.wh.passwd", "files[0].path")]
    public void Bad_file_paths_are_refused_with_the_field_named(string path, string field)
    {
        var bad = Sample with { Files = [new FileSpec { Path = path, Content = "x" }] };

        var error = Assert.Throws<ArgumentException>(() => LayerWriter.EntriesFor(bad));
        Assert.StartsWith(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0999")]
    [InlineData("rwx")]
    [InlineData("17777")]
    [InlineData("7")]
    [InlineData("0o755")]
    public void Bad_modes_are_refused_with_the_field_named(string mode)
    {
        var bad = Sample with { Files = [new FileSpec { Path = "/x", Content = "x", Mode = mode }] };

        var error = Assert.Throws<ArgumentException>(() => LayerWriter.EntriesFor(bad));
        Assert.StartsWith("files[0].mode", error.Message, StringComparison.Ordinal);
    }

    private static byte[] ReadAll(Stream stream)
    {
        stream.Position = 0;
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        stream.Position = 0;
        return copy.ToArray();
    }

    private static byte[] Gunzip(byte[] blob)
    {
        using var gzip = new GZipStream(new MemoryStream(blob), CompressionMode.Decompress);
        var tar = new MemoryStream();
        gzip.CopyTo(tar);
        return tar.ToArray();
    }

    private static List<TarItem> ReadEntries(LayerFile layer)
    {
        using var reader = new TarReader(new MemoryStream(Gunzip(ReadAll(layer.Content))));
        var items = new List<TarItem>();
        while (reader.GetNextEntry() is { } e)
        {
            var content = e.DataStream is null ? [] : ReadAll(e.DataStream);
            var posix = (PosixTarEntry)e;
            items.Add(new TarItem(e.Name, e.EntryType, e.Mode, e.ModificationTime, e.Uid, e.Gid, posix.UserName, posix.GroupName, e.LinkName, e.Format, content));
        }
        return items;
    }

    private sealed record TarItem(
        string Name, TarEntryType EntryType, UnixFileMode Mode, DateTimeOffset ModificationTime, int Uid, int Gid,
        string UserName, string GroupName, string LinkName, TarEntryFormat Format, byte[] Content);
}
