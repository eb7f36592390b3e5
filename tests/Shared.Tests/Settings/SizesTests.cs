using MemGrowth.Shared.Settings;

namespace MemGrowth.Shared.Tests.Settings;

/// <summary>The one size grammar of every command-line flag.</summary>
public sealed class SizesTests
{
    [Theory]
    [InlineData("32KiB", 32 * 1024)]
    [InlineData("4M", 4 << 20)]
    [InlineData("4MiB", 4 << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("32k", 32 * 1024)]
    [InlineData("1000", 1000)]
    public void Should_read_bytes_with_a_binary_unit(string text, long bytes) => Assert.Equal(bytes, Sizes.Parse(text));

    [Theory]
    [InlineData("lots")]
    [InlineData("32kb")]
    [InlineData("1.5MiB")]
    [InlineData("-1")]
    [InlineData("")]
    public void Should_refuse_what_is_not_a_size_saying_what_is(string text) =>
        Assert.Equal($"'{text}' is not a size: give {Sizes.Accepted}", Assert.Throws<FormatException>(() => Sizes.Parse(text)).Message);

    [Fact]
    public void Should_refuse_a_size_a_long_cannot_hold() =>
        Assert.Contains("is too large", Assert.Throws<FormatException>(() => Sizes.Parse("9999999999999GiB")).Message, StringComparison.Ordinal);
}
