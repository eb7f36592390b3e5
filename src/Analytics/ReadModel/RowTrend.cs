using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>A service's trend as the read model's rows tell it: the counting is <see cref="ServiceTrend"/>'s, fed with each row's latest word.</summary>
public static class RowTrend
{
    /// <summary>
    /// A service's trend as its leaks' rows tell it (each row's latest word, no sequence numbers): what the
    /// API answers when the service's trend entity does not, or when a node runs none.
    /// </summary>
    public static ServiceTrend Of(string service, IEnumerable<LeakRow> rows)
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
}
