using ManagedImages.Builds;

namespace ManagedImages.Core.Tests.Builds;

public class BuildLogTextTests
{
    [Fact]
    public void A_log_reads_back_line_for_line()
    {
        string[] lines = ["Step 1/3 : FROM x", "", "é ünïcode", "last"];
        Assert.Equal(lines, BuildLogText.Join(BuildLogText.Split(lines)));
    }

    [Fact]
    public void A_log_too_large_for_the_parts_keeps_its_head_and_tail_and_says_how_much_was_left_out()
    {
        // Random-looking lines barely compress: far more than the parts hold.
        var random = new Random(7);
        var lines = Enumerable.Range(0, 80_000).Select(i => $"{i} {Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))}{Convert.ToHexString(BitConverter.GetBytes(random.NextInt64()))}").ToList();

        var parts = BuildLogText.Split(lines);
        Assert.True(parts.Count <= BuildLogText.MaxParts);
        var read = BuildLogText.Join(parts);

        Assert.Equal(lines.Take(BuildLogText.HeadLines), read.Take(BuildLogText.HeadLines));
        Assert.Equal(lines[^1], read[^1]);
        Assert.Contains(read, l => l.Contains("lines left out", StringComparison.Ordinal));
        Assert.True(read.Count < lines.Count);
    }
}
