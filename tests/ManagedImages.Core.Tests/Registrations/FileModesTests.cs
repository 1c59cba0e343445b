using ManagedImages.Registrations;

namespace ManagedImages.Core.Tests.Registrations;

public class FileModesTests
{
    [Theory]
    [InlineData("0644", 420)]
    [InlineData("644", 420)]
    [InlineData("0755", 493)]
    [InlineData("4755", 2541)]
    [InlineData("7777", 4095)]
    public void Octal_text_parses_to_permission_bits(string text, int expected)
    {
        Assert.True(FileModes.TryParse(text, out var mode));
        Assert.Equal(expected, mode);
    }

    [Theory]
    [InlineData(420, "0644")]
    [InlineData(493, "0755")]
    [InlineData(0, "0000")]
    [InlineData(4095, "7777")]
    public void Permission_bits_format_as_four_octal_digits(int mode, string expected)
    {
        Assert.Equal(expected, FileModes.Format(mode));
    }

    [Fact]
    public void A_missing_mode_is_0644()
    {
        Assert.Equal(420, FileModes.ParseOrDefault(null));
    }

    [Fact]
    public void An_invalid_mode_throws_a_format_error_naming_what_is_accepted()
    {
        var error = Assert.Throws<FormatException>(() => FileModes.ParseOrDefault("999"));
        Assert.Contains("0644", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Formatting_a_mode_above_07777_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FileModes.Format(4096));
    }
}
