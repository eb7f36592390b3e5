using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

public class ServiceSummaryTests
{
    private static readonly DateTimeOffset T0 = Detections.T0;

    [Fact]
    public void A_service_adds_up_its_leaks_rows_across_hosts()
    {
        var summary = ServiceSummary.Of("api.service", [
            Row("web-1", 1, LeakStatus.Confirmed, 1e6, 600, opened: 0, seen: 50),
            Row("web-2", 2, LeakStatus.Suspected, 3e6, 120, opened: 10, seen: 40),
            Row("web-2", 3, LeakStatus.Suspected, 2e6, null, opened: 20, seen: 30),
            Row("web-3", 4, LeakStatus.OomKilled, 9e6, 5, opened: 5, seen: 90),
        ]);

        Assert.Equal(3, summary.OpenLeaks);
        Assert.Equal(2, summary.HostsNow);
        Assert.Equal(3, summary.HostsEver);
        Assert.Equal(4, summary.Processes);
        Assert.Equal(2e6, summary.RateP50);
        Assert.Equal(3e6, summary.RateMax);
        Assert.Equal(1, summary.OomKills);
        Assert.Equal(new LeakId("web-2", 2, 1), summary.SoonestToLimit);
        Assert.Equal(120, summary.SoonestSecondsToLimit);
        Assert.Equal(T0, summary.FirstSeen);
        Assert.Equal(T0.AddSeconds(90), summary.LastSeen);
    }

    [Fact]
    public void A_service_with_nothing_open_has_no_rate()
    {
        var summary = ServiceSummary.Of("api.service", [Row("web-1", 1, LeakStatus.Resolved, 1e6, null, 0, 10)]);

        Assert.Equal(0, summary.OpenLeaks);
        Assert.Null(summary.RateP50);
        Assert.Null(summary.RateMax);
        Assert.Null(summary.SoonestToLimit);
    }

    internal static LeakRow Row(string host, int pid, LeakStatus status, double rate, double? secondsToLimit, double opened, double seen)
    {
        var leak = new LeakId(host, pid, 1);
        var report = new LeakReport(T0.AddSeconds(seen), GrowthPattern.Linear, rate, 0.9, 100 << 20, secondsToLimit is null ? null : 1L << 30, secondsToLimit);
        return new LeakRow(LeakEntity.PersistenceIdOf(leak), 1, leak, status, "api.service", "api", "/usr/bin/api", null, null,
            T0.AddHours(-1), T0.AddSeconds(opened), T0.AddSeconds(opened), null, null, T0.AddSeconds(seen), 1, 1, report);
    }
}
