using MemGrowth.Analytics.Leaks;
using MemGrowth.Cli.Commands;
using Xunit;

namespace MemGrowth.Cli.Tests.Commands;

/// <summary>`memgrowth leaks`'s filters, through the real parser.</summary>
public sealed class LeaksCommandTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 30 * 60)]
    [InlineData("24h", 24 * 3600)]
    [InlineData("7d", 7 * 86400)]
    [InlineData("1500ms", 1.5)]
    public void Should_read_since_as_the_api_does_and_any_duration(string since, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), MemgrowthCommand.Parse<LeaksOptions>("leaks", "--since", since).Since);

    [Fact]
    public void Should_refuse_a_since_longer_than_a_span_with_one_line()
    {
        var error = Assert.Throws<ArgumentException>(() => MemgrowthCommand.Parse<LeaksOptions>("leaks", "--since", "99999999d"));

        Assert.Contains("--since: '99999999d' is too long: at most 10675199d", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Should_filter_from_the_first_instant_when_since_reaches_back_before_year_1()
    {
        var options = MemgrowthCommand.Parse<LeaksOptions>("leaks", "--since", "10000000d");

        Assert.Equal(DateTimeOffset.MinValue, options.ToFilter(DateTimeOffset.UtcNow).SeenSince);
    }

    [Fact]
    public void Should_take_every_filter_and_list_everything_without_one()
    {
        var all = MemgrowthCommand.Parse<LeaksOptions>("leaks");
        var some = MemgrowthCommand.Parse<LeaksOptions>("leaks", "--host", "h1", "--service", "api", "--status", "open", "--json", "--data-dir", "/srv/mg");

        Assert.Equal((null, null, null, null, false), (all.Host, all.Service, all.Since, all.Statuses, all.Json));
        Assert.Equal(("h1", "api", true, "/srv/mg"), (some.Host, some.Service, some.Json, some.DataDir));
        Assert.Equal([LeakStatus.Suspected, LeakStatus.Confirmed], some.Statuses);
    }

    [Fact]
    public void Should_refuse_a_status_naming_the_ones_there_are()
    {
        var error = Assert.Throws<ArgumentException>(() => MemgrowthCommand.Parse<LeaksOptions>("leaks", "--status", "closed"));

        Assert.Contains("--status: status 'closed' is not one of open, resolved, exited, oom", error.Message, StringComparison.Ordinal);
    }
}
