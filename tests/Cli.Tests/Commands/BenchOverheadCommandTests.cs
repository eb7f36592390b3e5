using MemGrowth.Cli.Commands;
using MemGrowth.Tools.Bench;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth bench overhead`'s options, through the real parser.</summary>
public sealed class BenchOverheadCommandTests
{
    [Fact]
    public void Should_default_to_the_documented_values()
    {
        var o = Parse();
        Assert.Equal((2.0, 7, 100, 1000, 30), (o.StormGib, o.Repeats, o.Growers, o.Idle, o.MeasureSeconds));
        Assert.Null(o.OutPath);
        Assert.Equal(2L << 30, o.StormBytes);
    }

    [Fact]
    public void Should_take_every_option()
    {
        var o = Parse("--storm-gib", "0.5", "--repeats", "3", "--growers", "10", "--idle", "0",
            "--measure-seconds", "5", "--out", "r.md", "--agent", "/x/memgrowth");
        Assert.Equal((0.5, 3, 10, 0, 5, "r.md", "/x/memgrowth"), (o.StormGib, o.Repeats, o.Growers, o.Idle, o.MeasureSeconds, o.OutPath, o.AgentPath));
        Assert.Equal(512L << 20, o.StormBytes);
    }

    [Theory]
    [InlineData("--repeats", "0")]
    [InlineData("--growers", "-1")]
    [InlineData("--storm-gib", "0")]
    [InlineData("--storm-gib", "lots")]
    [InlineData("--measure-seconds", "1.5")]
    [InlineData("--bogus", "1")]
    public void Should_reject_bad_values_naming_the_option(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(name, value));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_which_option_lacks_its_value() =>
        Assert.Contains("Required argument missing for option: '--out'", Assert.Throws<ArgumentException>(() => Parse("--out")).Message, StringComparison.Ordinal);

    private static BenchOptions Parse(params string[] args) => MemgrowthCommand.Parse<BenchOptions>(["bench", "overhead", .. args]);
}
