using MemGrowth.Cli.Commands;
using MemGrowth.Tools.Bench;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth bench ingest`'s options, through the real parser.</summary>
public sealed class BenchIngestCommandTests
{
    [Fact]
    public void Should_start_cold_by_default()
    {
        var o = Parse();
        Assert.Equal((100_000, 1000, 0, 0, false), (o.Count, o.Leaks, o.Rate, o.WarmUp, o.ReadModel));
        Assert.StartsWith("bench-", o.Host, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_take_every_option()
    {
        var o = Parse("--fleet-config", "f.hocon", "--count", "200", "--leaks", "10", "--rate", "50", "--read-model", "--outbox", "/tmp/o",
            "--host", "h", "--warm-up", "20", "--progress", "--out", "i.md");
        Assert.Equal(("f.hocon", 200, 10, 50, true, "/tmp/o", "h", 20, true, "i.md"),
            (o.FleetConfig, o.Count, o.Leaks, o.Rate, o.ReadModel, o.Outbox, o.Host, o.WarmUp, o.Progress, o.OutPath));
    }

    [Theory]
    [InlineData("--warm-up", "-1")]
    [InlineData("--warm-up", "many")]
    [InlineData("--leaks", "0")]
    public void Should_refuse_a_bad_value_naming_the_option(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(name, value));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_an_unknown_option_pointing_at_the_help()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse("--warmup", "5"));
        Assert.StartsWith("Unrecognized command or argument '--warmup'", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("(see memgrowth bench ingest --help)", e.Message, StringComparison.Ordinal);
    }

    private static IngestOptions Parse(params string[] args) => MemgrowthCommand.Parse<IngestOptions>(["bench", "ingest", .. args]);
}
