using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// What one service leaks across the fleet, from its leaks' rows: open leaks, hosts now and ever,
/// processes, the open leaks' rate median and maximum, first and last seen, OOM kills, and the open leak
/// soonest to its limit. The counting is <see cref="ServiceTrend"/>'s, fed with the rows' latest word.
/// </summary>
/// <param name="RateP50">Median growth rate of the open leaks (bytes/s), null when none is open.</param>
public sealed record ServiceSummary(
    string Service,
    int OpenLeaks,
    int HostsNow,
    int HostsEver,
    int Processes,
    double? RateP50,
    double? RateMax,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int OomKills,
    LeakId? SoonestToLimit,
    double? SoonestSecondsToLimit)
{
    /// <summary>The summary of one service's leaks; <paramref name="rows"/> must all be of <paramref name="service"/>.</summary>
    public static ServiceSummary Of(string service, IEnumerable<LeakRow> rows)
    {
        var trend = TrendOf(service, rows);
        var rates = trend.OpenRates;
        var soonest = trend.SoonestToLimit;
        return new ServiceSummary(service, trend.OpenLeaks, trend.HostsNow, trend.HostsEver, trend.Processes, Median(rates),
            rates.Count == 0 ? null : rates[^1], trend.FirstSeen, trend.LastSeen, trend.OomKills, soonest?.Leak, soonest?.SecondsToLimit);
    }

    /// <summary>
    /// A service's trend as its leaks' rows tell it (each row's latest word, no sequence numbers): what the
    /// API answers when the service's trend entity does not, or when a node runs none.
    /// </summary>
    public static ServiceTrend TrendOf(string service, IEnumerable<LeakRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var leaks = new Dictionary<LeakId, TrendLeak>();
        DateTimeOffset first = DateTimeOffset.MaxValue, last = DateTimeOffset.MinValue;
        foreach (var row in rows)
        {
            leaks[row.Leak] = new TrendLeak(row.Leak, row.Opened, row.LastSeen, row.Latest.BytesPerSecond, row.Latest.SecondsToLimit,
                row.IsOpen, row.Status == LeakStatus.OomKilled, LastReport: row.Latest.Time);
            first = row.Opened < first ? row.Opened : first;
            last = row.LastSeen > last ? row.LastSeen : last;
        }

        return new ServiceTrend(service, leaks, first, last);
    }

    /// <summary>The middle of sorted values (the mean of the two middle ones for an even count).</summary>
    private static double? Median(IReadOnlyList<double> sorted) => sorted.Count switch
    {
        0 => null,
        var n when n % 2 == 1 => sorted[n / 2],
        var n => (sorted[(n / 2) - 1] + sorted[n / 2]) / 2,
    };
}
