using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>A service's trend from its leaks' rows, as the API answers when no trend entity does.</summary>
public class RowTrendTests
{
    private static readonly DateTimeOffset T0 = Detections.T0;

    [Fact]
    public void A_service_adds_up_its_leaks_rows_across_hosts()
    {
        var trend = RowTrend.Of("api.service", [
            Row("web-1", 1, LeakStatus.Confirmed, 1e6, 600, opened: 0, seen: 50),
            Row("web-2", 2, LeakStatus.Suspected, 3e6, 120, opened: 10, seen: 40),
            Row("web-2", 3, LeakStatus.Suspected, 2e6, null, opened: 20, seen: 30),
            Row("web-3", 4, LeakStatus.OomKilled, 9e6, 5, opened: 5, seen: 90),
        ]);

        Assert.Equal(3, trend.OpenLeaks);
        Assert.Equal(2, trend.HostsNow);
        Assert.Equal(3, trend.HostsEver);
        Assert.Equal(4, trend.Processes);
        Assert.Equal([1e6, 2e6, 3e6], trend.OpenRates);
        Assert.Equal(1, trend.OomKills);
        Assert.Equal(new LeakId("web-2", 2, 1), trend.SoonestToLimit?.Leak);
        Assert.Equal(120, trend.SoonestToLimit?.SecondsToLimit);
        Assert.Equal(T0, trend.FirstSeen);
        Assert.Equal(T0.AddSeconds(90), trend.LastSeen);
    }

    [Fact]
    public void A_service_with_nothing_open_has_no_rate()
    {
        var trend = RowTrend.Of("api.service", [Row("web-1", 1, LeakStatus.Resolved, 1e6, null, 0, 10)]);

        Assert.Equal(0, trend.OpenLeaks);
        Assert.Empty(trend.OpenRates);
        Assert.Null(trend.SoonestToLimit);
    }

    internal static LeakRow Row(string host, int pid, LeakStatus status, double rate, double? secondsToLimit, double opened, double seen)
    {
        var leak = new LeakId(host, pid, 1);
        var report = new LeakReport(T0.AddSeconds(seen), GrowthPattern.Linear, rate, 0.9, 100 << 20, secondsToLimit is null ? null : 1L << 30, secondsToLimit);
        return new LeakRow(LeakEntity.PersistenceIdOf(leak), 1, leak, status, "api.service", "api", "/usr/bin/api", null, null,
            T0.AddHours(-1), T0.AddSeconds(opened), T0.AddSeconds(opened), null, null, T0.AddSeconds(seen), 1, 1, report);
    }
}
