using MemGrowth.Tools.Bench;
using Xunit;

namespace MemGrowth.Tools.Tests.Bench;

public sealed class IngestOptionsTests
{
    [Fact]
    public void Should_start_cold_by_default()
    {
        var o = IngestOptions.Parse([]);
        Assert.Equal((100_000, 1000, 0, 0, false), (o.Count, o.Leaks, o.Rate, o.WarmUp, o.ReadModel));
        Assert.StartsWith("bench-", o.Host, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_take_every_option()
    {
        var o = IngestOptions.Parse(["--fleet-config", "f.hocon", "--count", "200", "--leaks", "10", "--rate", "50", "--read-model", "--outbox", "/tmp/o",
            "--host", "h", "--warm-up", "20", "--progress", "--out", "i.md"]);
        Assert.Equal(("f.hocon", 200, 10, 50, true, "/tmp/o", "h", 20, true, "i.md"),
            (o.FleetConfig, o.Count, o.Leaks, o.Rate, o.ReadModel, o.Outbox, o.Host, o.WarmUp, o.Progress, o.OutPath));
    }

    [Theory]
    [InlineData("--warm-up", "-1")]
    [InlineData("--warm-up", "many")]
    [InlineData("--leaks", "0")]
    public void Should_refuse_a_bad_value_naming_the_option(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => IngestOptions.Parse([name, value]));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_an_unknown_option_with_the_usage()
    {
        var e = Assert.Throws<ArgumentException>(() => IngestOptions.Parse(["--warmup", "5"]));
        Assert.Contains("--warm-up N", e.Message, StringComparison.Ordinal);
    }
}
