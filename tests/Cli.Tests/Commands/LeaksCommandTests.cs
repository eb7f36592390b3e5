using MemGrowth.Analytics.History;
using MemGrowth.Cli.Commands;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

public sealed class LeaksOptionsTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("24h", 24 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1500ms", 1.5)]
    public void Should_read_since_as_the_api_does_and_any_duration(string since, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), LeaksOptions.Parse(["--since", since], "/var/lib/memgrowth").Since);

    [Fact]
    public void Should_refuse_a_since_longer_than_a_span_with_one_line()
    {
        var error = Assert.Throws<ArgumentException>(() => LeaksOptions.Parse(["--since", "99999999d"], "/var/lib/memgrowth"));

        Assert.Contains("'99999999d' is too long", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_filter_from_the_first_instant_when_since_reaches_back_before_year_1()
    {
        var options = LeaksOptions.Parse(["--since", "10000000d"], "/var/lib/memgrowth");

        Assert.Equal(DateTimeOffset.MinValue, options.ToFilter(DateTimeOffset.UtcNow).SeenSince);
    }
}
