using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using ManagedImages.Builders.AcrTasks;

namespace ManagedImages.Core.Tests.AcrTasks;

public sealed class SourceArchiveTests
{
    [Fact]
    public async Task The_archive_holds_the_Dockerfile_and_the_files_and_is_the_same_for_the_same_context()
    {
        var context = new AcrBuildContext("FROM scratch\n", new Dictionary<string, byte[]> { ["b/c.txt"] = [1, 2], ["a.tar.gz"] = [3] }, new Dictionary<string, string>());

        var first = await SourceArchive.WriteAsync(context, CancellationToken.None);
        var second = await SourceArchive.WriteAsync(context, CancellationToken.None);

        Assert.Equal(first, second);
        await using var tar = new TarReader(new GZipStream(new MemoryStream(first), CompressionMode.Decompress));
        var names = new List<string>();
        while (await tar.GetNextEntryAsync() is { } entry)
        {
            names.Add(entry.Name);
            if (entry.Name == "Dockerfile")
            {
                using var reader = new StreamReader(entry.DataStream!, Encoding.UTF8);
                Assert.Equal("FROM scratch\n", await reader.ReadToEndAsync());
            }
        }
        Assert.Equal(["Dockerfile", "a.tar.gz", "b/c.txt"], names);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../outside")]
    [InlineData("a/./b")]
    [InlineData("Dockerfile")]
    [InlineData("")]
    public async Task A_file_path_that_could_escape_or_replace_the_Dockerfile_is_refused(string path)
    {
        var context = new AcrBuildContext("FROM scratch\n", new Dictionary<string, byte[]> { [path] = [1] }, new Dictionary<string, string>());

        var refusal = await Assert.ThrowsAsync<ArgumentException>(() => SourceArchive.WriteAsync(context, CancellationToken.None));

        Assert.Contains("build context", refusal.Message, StringComparison.Ordinal);
    }
}
