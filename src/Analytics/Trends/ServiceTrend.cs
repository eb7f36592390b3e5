using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Trends;

/// <summary>The latest word on one leak of a service, as the trend keeps it.</summary>
public sealed record TrendLeak(LeakId Leak, DateTimeOffset Opened, DateTimeOffset LastSeen, double BytesPerSecond, double? SecondsToLimit, bool Open, bool OomKilled);

/// <summary>
/// What one service (see <see cref="Leaks.ServiceKey"/>) leaks across the fleet, built from its leaks'
/// events: hosts and processes affected now and ever, the growth-rate distribution of the open leaks,
/// first and last seen, OOM kills, and whether leaks are opening faster than before. Pure: state comes only
/// from <see cref="Apply"/>, time only from the events and the caller.
/// </summary>
public sealed record ServiceTrend(string Service, IReadOnlyDictionary<LeakId, TrendLeak> Leaks, DateTimeOffset FirstSeen, DateTimeOffset LastSeen)
{
    /// <summary>The span compared with the one before it to call a trend rising.</summary>
    public static readonly TimeSpan TrendWindow = TimeSpan.FromHours(24);

    public static ServiceTrend Empty(string service) => new(service, new Dictionary<LeakId, TrendLeak>(), DateTimeOffset.MaxValue, DateTimeOffset.MinValue);

    public int OpenLeaks => Leaks.Values.Count(l => l.Open);

    public int HostsNow => Leaks.Values.Where(l => l.Open).Select(l => l.Leak.Host).Distinct(StringComparer.Ordinal).Count();

    public int HostsEver => Leaks.Keys.Select(l => l.Host).Distinct(StringComparer.Ordinal).Count();

    public int OomKills => Leaks.Values.Count(l => l.OomKilled);

    /// <summary>The open leaks' rates, lowest first.</summary>
    public IReadOnlyList<double> OpenRates => [.. Leaks.Values.Where(l => l.Open).Select(l => l.BytesPerSecond).Order()];

    /// <summary>The open leak that reaches its memory limit soonest, if any has a limit.</summary>
    public TrendLeak? SoonestToLimit => Leaks.Values.Where(l => l.Open && l.SecondsToLimit is not null).MinBy(l => l.SecondsToLimit);

    /// <summary>More leaks opened in the last <see cref="TrendWindow"/> before <paramref name="now"/> than in the one before it.</summary>
    public bool IsRising(DateTimeOffset now)
    {
        var recent = Leaks.Values.Count(l => l.Opened > now - TrendWindow && l.Opened <= now);
        var before = Leaks.Values.Count(l => l.Opened > now - (2 * TrendWindow) && l.Opened <= now - TrendWindow);
        return recent > before;
    }

    public ServiceTrend Apply(LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var leaks = new Dictionary<LeakId, TrendLeak>(Leaks);
        leaks.TryGetValue(e.Leak, out var known);
        TrendLeak? next = e switch
        {
            LeakOpened o => new TrendLeak(o.Leak, o.Time, o.Time, o.Report.BytesPerSecond, o.Report.SecondsToLimit, Open: true, OomKilled: false),
            LeakReported r when known is not null => known with { LastSeen = r.Time, BytesPerSecond = r.Report.BytesPerSecond, SecondsToLimit = r.Report.SecondsToLimit, Open = true },
            LeakResolved r when known is not null => known with { LastSeen = r.Time, Open = false },
            LeakEnded end when known is not null => known with { LastSeen = Max(known.LastSeen, end.Time), Open = false, OomKilled = known.OomKilled || end.How == LeakEnd.OomKilled },
            _ => known,
        };
        if (next is null)
        {
            return this;
        }

        leaks[e.Leak] = next;
        return this with
        {
            Leaks = leaks,
            FirstSeen = e.Time < FirstSeen ? e.Time : FirstSeen,
            LastSeen = e.Time > LastSeen ? e.Time : LastSeen,
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
