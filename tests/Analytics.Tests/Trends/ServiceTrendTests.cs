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

    [Fact]
    public void A_trend_is_not_rising_when_as_many_leaks_opened_the_day_before()
    {
        var trend = Build(Opened("a", 1, -30 * 3600, 1e6, null), Opened("b", 2, -3600, 1e6, null));

        Assert.Equal(1, trend.OpenedBetween(T0 - ServiceTrend.TrendWindow, T0));
        Assert.False(trend.IsRising(T0));
        Assert.False(ServiceTrend.Empty("api").IsRising(T0));
    }

    [Fact]
    public void The_open_leaks_rates_spread_into_median_90th_percentile_and_maximum()
    {
        var trend = Build(
            [.. Enumerable.Range(1, 10).Select(i => Opened("web-" + i, i, i, i * 1e6, null)),
            new LeakResolved(new LeakId("web-10", 10, 1), T0.AddSeconds(60))]);

        var rates = trend.Rates;

        Assert.Equal(9, rates.Count);
        Assert.Equal(5e6, rates.P50);
        Assert.Equal(8.2e6, rates.P90!.Value, 6);
        Assert.Equal(9e6, rates.Max);
        Assert.Equal(new RateDistribution(0, null, null, null), ServiceTrend.Empty("api").Rates);
    }

    [Fact]
    public void Each_day_counts_the_hosts_and_processes_seen_leaking_that_day_the_openings_and_the_oom_kills()
    {
        var day0 = DateOnly.FromDateTime(T0.UtcDateTime);
        var trend = Build(
            Opened("web-1", 1, 0, 1e6, null),                                     // day 0, reported on day 2
            Opened("web-2", 2, 3600, 1e6, null),                                  // day 0, OOM-killed on day 1
            Opened("web-2", 3, 86400, 1e6, null),                                 // day 1 only
            new LeakEnded(new LeakId("web-2", 2, 1), T0.AddDays(1), LeakEnd.OomKilled),
            new LeakReported(new LeakId("web-1", 1, 1), T0.AddDays(2), Report(1e6, null), Reopened: false));

        var days = trend.Days(day0.AddDays(2), 4);

        Assert.Equal(
            [
                new TrendDay(day0.AddDays(-1), 0, 0, 0, 0),
                new TrendDay(day0, 2, 2, 2, 0),
                new TrendDay(day0.AddDays(1), 2, 3, 1, 1),
                new TrendDay(day0.AddDays(2), 1, 1, 0, 0),
            ],
            days);
    }

    [Fact]
    public void Events_already_applied_by_sequence_number_are_unseen_and_change_nothing()
    {
        var leak = new LeakId("web-1", 1, 1);
        var opened = new TrendInput("leak-web-1/1/1", 1, Opened("web-1", 1, 0, 1e6, 600));
        var reported = new TrendInput("leak-web-1/1/1", 2, new LeakReported(leak, T0.AddSeconds(30), Report(2e6, 300), Reopened: false));
        var trend = ServiceTrend.Empty("api").Apply(opened);

        Assert.Equal([reported], trend.Unseen([opened, reported]));
        var after = trend.Apply(reported);
        Assert.Empty(after.Unseen([opened, reported]));
        Assert.Same(after, after.Apply(opened));
        Assert.Equal(2, after.Leaks[leak].LastSequenceNr);
        Assert.Equal(2e6, after.Leaks[leak].BytesPerSecond);
    }

    [Fact]
    public void Events_of_a_leak_never_seen_opened_are_unseen_only_after_its_opening_in_the_same_feed()
    {
        var leak = new LeakId("web-1", 1, 1);
        var reported = new TrendInput("leak-web-1/1/1", 2, new LeakReported(leak, T0.AddSeconds(30), Report(2e6, 300), Reopened: false));
        var opened = new TrendInput("leak-web-1/1/1", 1, Opened("web-1", 1, 0, 1e6, 600));

        Assert.Empty(ServiceTrend.Empty("api").Unseen([reported]));
        Assert.Equal([opened, reported], ServiceTrend.Empty("api").Unseen([opened, reported]));
    }

    [Fact]
    public void The_soonest_to_limit_is_the_one_whose_limit_comes_first_as_reported()
    {
        // web-1 said 600 s at T0 (limit at T0+600); web-2 said 500 s at T0+200 (limit at T0+700).
        var trend = Build(Opened("web-1", 1, 0, 1e6, 600), Opened("web-2", 2, 200, 1e6, 500));

        Assert.Equal(new LeakId("web-1", 1, 1), trend.SoonestToLimit!.Leak);
    }

    private static ServiceTrend Build(params LeakEvent[] events) => events.Aggregate(ServiceTrend.Empty("api"), (t, e) => t.Apply(e));

    private static LeakOpened Opened(string host, int pid, double seconds, double rate, double? toLimit) => new(
        new LeakId(host, pid, 1), T0.AddSeconds(seconds), T0.AddHours(-1), "api", "/usr/bin/api", null, null, "api", T0.AddSeconds(seconds - 6), Report(rate, toLimit, seconds));

    private static LeakReport Report(double rate, double? toLimit, double seconds = 0) =>
        new(T0.AddSeconds(seconds), GrowthPattern.Linear, rate, 0.9, 100 << 20, toLimit is null ? null : 1L << 30, toLimit);
}
