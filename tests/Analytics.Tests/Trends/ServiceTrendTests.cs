using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.Trends;

public class ServiceTrendTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Leaks_on_several_hosts_add_up_now_and_ever()
    {
        var trend = Build(
            Opened("web-1", 1, 0, 1e6, 600),
            Opened("web-2", 2, 10, 3e6, 120),
            Opened("web-2", 3, 20, 2e6, null),
            new LeakResolved(new LeakId("web-1", 1, 1), T0.AddSeconds(100)));

        Assert.Equal(2, trend.OpenLeaks);
        Assert.Equal(1, trend.HostsNow);
        Assert.Equal(2, trend.HostsEver);
        Assert.Equal([2e6, 3e6], trend.OpenRates);
        Assert.Equal(new LeakId("web-2", 2, 1), trend.SoonestToLimit!.Leak);
        Assert.Equal(T0, trend.FirstSeen);
        Assert.Equal(T0.AddSeconds(100), trend.LastSeen);
    }

    [Fact]
    public void An_oom_kill_ends_the_leak_and_is_counted()
    {
        var trend = Build(Opened("web-1", 1, 0, 1e6, 60), new LeakEnded(new LeakId("web-1", 1, 1), T0.AddSeconds(60), LeakEnd.OomKilled));

        Assert.Equal(0, trend.OpenLeaks);
        Assert.Equal(1, trend.OomKills);
    }

    [Fact]
    public void A_trend_rises_when_more_leaks_opened_in_the_last_day_than_the_day_before()
    {
        var trend = Build(Opened("a", 1, -30 * 3600, 1e6, null), Opened("b", 2, -2 * 3600, 1e6, null), Opened("c", 3, -3600, 1e6, null));

        Assert.True(trend.IsRising(T0));
        Assert.False(trend.IsRising(T0.AddHours(25))); // the two recent ones are now the day before
    }

    [Fact]
    public void A_report_for_a_leak_the_trend_never_saw_opened_changes_nothing()
    {
        var trend = ServiceTrend.Empty("api");

        var after = trend.Apply(new LeakReported(new LeakId("x", 1, 1), T0, Report(1e6, null), Reopened: false));

        Assert.Same(trend, after);
    }

    private static ServiceTrend Build(params LeakEvent[] events) => events.Aggregate(ServiceTrend.Empty("api"), (t, e) => t.Apply(e));

    private static LeakOpened Opened(string host, int pid, double seconds, double rate, double? toLimit) => new(
        new LeakId(host, pid, 1), T0.AddSeconds(seconds), T0.AddHours(-1), "api", "/usr/bin/api", null, null, "api", T0.AddSeconds(seconds - 6), Report(rate, toLimit));

    private static LeakReport Report(double rate, double? toLimit) => new(T0, GrowthPattern.Linear, rate, 0.9, 100 << 20, toLimit is null ? null : 1L << 30, toLimit);
}
