using MemGrowth.Analytics.Persistence;
using MemGrowth.Cli.Commands;
using MemGrowth.Shared.Settings;
using MemGrowth.Tools.Bench;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth bench query`'s options, through the real parser.</summary>
public sealed class BenchQueryCommandTests
{
    [Fact]
    public void Should_default_to_the_issues_measurement()
    {
        var o = Parse();
        Assert.Equal((JournalDatabase.Sqlite, 1_000_000, 50_000, 200, 500, 2000), (o.Database, o.Detections, o.Leaks, o.Services, o.Hosts, o.Queries));
        Assert.Null(o.ConnectionString);
        Assert.Null(o.OutPath);
        Assert.False(o.Keep);
    }

    [Fact]
    public void Should_take_every_option()
    {
        var o = Parse("--database", "postgresql", "--connection-string", "Host=127.0.0.1", "--detections", "1000", "--leaks", "10",
            "--services", "3", "--hosts", "4", "--queries", "5", "--seed", "7", "--keep", "--out", "q.md");
        Assert.Equal((JournalDatabase.PostgreSql, "Host=127.0.0.1", 1000, 10, 3, 4, 5, 7, true, "q.md"),
            (o.Database, o.ConnectionString, o.Detections, o.Leaks, o.Services, o.Hosts, o.Queries, o.Seed, o.Keep, o.OutPath));
    }

    [Theory]
    [InlineData("--database", "mysql")]
    [InlineData("--detections", "0")]
    [InlineData("--leaks", "-1")]
    [InlineData("--services", "many")]
    [InlineData("--hosts", "0")]
    [InlineData("--queries", "1.5")]
    [InlineData("--bogus", "1")]
    public void Should_reject_bad_values_naming_the_option(string name, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => Parse(name, value));
        Assert.Contains(name, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_say_which_option_lacks_its_value() =>
        Assert.Contains("Required argument missing for option: '--out'", Assert.Throws<ArgumentException>(() => Parse("--out")).Message, StringComparison.Ordinal);

    [Fact]
    public void Should_need_a_detection_for_every_leak()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse("--detections", "10", "--leaks", "11"));
        Assert.Contains("--detections", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_need_a_connection_string_for_postgresql() =>
        Assert.Contains("--connection-string", Assert.Throws<ArgumentException>(() => Parse("--database", "postgresql")).Message, StringComparison.Ordinal);

    private static QueryOptions Parse(params string[] args) => MemgrowthCommand.Parse<QueryOptions>(["bench", "query", .. args]);
}
