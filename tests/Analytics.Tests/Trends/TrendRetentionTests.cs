using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.Trends;

/// <summary>
/// A trend drops the leaks closed longer than the retention before its latest event (<see cref="ServiceTrend.Retain"/>)
/// and keeps counting them in its "ever" figures; its series over as many days as the retention is unchanged.
/// </summary>
public sealed class TrendRetentionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    private static readonly LeakId Killed = new("web-1", 1, 1);
    private static readonly LeakId Resolved = new("web-2", 2, 1);
    private static readonly LeakId StillOpen = new("web-3", 3, 1);
    private static readonly LeakId Recent = new("web-4", 4, 1);

    /// <summary>Three leaks of T0 (one OOM-killed, one resolved, one still open), then one a hundred days later.</summary>
    private static IEnumerable<LeakEvent> History() =>
    [
        Opened(Killed, T0), Opened(Resolved, T0), Opened(StillOpen, T0),
        new LeakEnded(Killed, T0.AddHours(1), LeakEnd.OomKilled),
        new LeakResolved(Resolved, T0.AddHours(1)),
        Opened(Recent, T0.AddDays(100)),
    ];

    [Fact]
    public void Closed_leaks_quiet_past_the_retention_are_dropped_and_still_counted_ever()
    {
        var kept = Build(History());

        var trend = kept.Retain(Retention);

        Assert.Equal([StillOpen, Recent], trend.Leaks.Keys.OrderBy(l => l.Host));
        Assert.Equal((2, 2, 4, 4, 1), (trend.OpenLeaks, trend.HostsNow, trend.HostsEver, trend.Processes, trend.OomKills));
        Assert.Equal((kept.OpenLeaks, kept.HostsNow, kept.HostsEver, kept.Processes, kept.OomKills), (trend.OpenLeaks, trend.HostsNow, trend.HostsEver, trend.Processes, trend.OomKills));
        Assert.Equal((T0, T0.AddDays(100)), (trend.FirstSeen, trend.LastSeen));
        Assert.Equal(new DroppedLeaks(2, 1, [.. new[] { "web-1", "web-2" }.Order(StringComparer.Ordinal)]), trend.Dropped);
        Assert.False(trend.IsEmpty);
    }

    [Fact]
    public void A_series_of_as_many_days_as_the_retention_is_the_same_after_the_drop_a_longer_one_is_not()
    {
        var kept = Build(History());
        var trend = kept.Retain(Retention);
        var today = DateOnly.FromDateTime(T0.AddDays(100).UtcDateTime);

        Assert.Equal(kept.Days(today, 90), trend.Days(today, 90));
        Assert.NotEqual(kept.Days(today, 366), trend.Days(today, 366)); // why ?days= is capped at the retention
    }

    [Fact]
    public void A_closed_leak_is_kept_for_a_day_of_grace_past_the_retention()
    {
        var closedAt = T0.AddHours(1);
        var justInside = Build([Opened(Resolved, T0), new LeakResolved(Resolved, closedAt), Opened(Recent, closedAt + Retention + TimeSpan.FromHours(23))]);
        var justOutside = Build([Opened(Resolved, T0), new LeakResolved(Resolved, closedAt), Opened(Recent, closedAt + Retention + TimeSpan.FromHours(25))]);

        Assert.Same(justInside, justInside.Retain(Retention));
        Assert.DoesNotContain(Resolved, justOutside.Retain(Retention).Leaks.Keys);
    }

    [Fact]
    public void An_open_leak_is_never_dropped_however_old()
    {
        var trend = Build([Opened(StillOpen, T0), Opened(Recent, T0.AddDays(1000))]);

        Assert.Same(trend, trend.Retain(Retention));
    }

    [Fact]
    public void A_dropped_leak_that_grows_again_is_held_again_and_counted_once()
    {
        var trend = Build(History()).Retain(Retention);

        var reopened = trend.Apply(new LeakReported(Resolved, T0.AddDays(101), Report(T0.AddDays(101)), Reopened: true));

        Assert.True(reopened.Leaks[Resolved].Open);
        Assert.Equal((3, 4, 4), (reopened.OpenLeaks, reopened.Processes, reopened.HostsEver));
        Assert.Equal(1, reopened.Dropped.Processes);
    }

    private static ServiceTrend Build(IEnumerable<LeakEvent> events) => events.Aggregate(ServiceTrend.Empty("api"), (t, e) => t.Apply(e));

    private static LeakOpened Opened(LeakId leak, DateTimeOffset time) =>
        new(leak, time, time.AddHours(-1), "api", "/usr/bin/api", null, null, "api", time.AddSeconds(-6), Report(time));

    private static LeakReport Report(DateTimeOffset time) => new(time, GrowthPattern.Linear, 1e6, 0.9, 100 << 20, null, null);
}
