using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;

namespace MemGrowth.Analytics.Api;

/// <summary>Where a service's figures come from.</summary>
public enum TrendSource
{
    /// <summary>Its trend entity answered.</summary>
    Entity,

    /// <summary>An API started without trend entities (the query benchmark; no node): the figures are the read model's leak rows'.</summary>
    ReadModel,
}

/// <summary>
/// One service's trend (GET /api/services): the fields /api/services always had (rates in bytes/s;
/// soonest_seconds_to_limit as reported), plus processes now, the 90th percentile rate, the leaks opened in
/// the last day and the day before, whether that is rising, and where the figures come from.
/// </summary>
public sealed record ServiceTrendJson(
    string Service,
    TrendSource Source,
    int OpenLeaks,
    int HostsNow,
    int HostsEver,
    int ProcessesNow,
    int Processes,
    double? RateP50,
    double? RateP90,
    double? RateMax,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int OomKills,
    int OpenedLastDay,
    int OpenedDayBefore,
    bool Rising,
    string? SoonestToLimit,
    double? SoonestSecondsToLimit)
{
    public static ServiceTrendJson Of(ServiceTrend t, TrendSource source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(t);
        var rates = t.Rates;
        var soonest = t.SoonestToLimit;
        return new ServiceTrendJson(t.Service, source, t.OpenLeaks, t.HostsNow, t.HostsEver, t.ProcessesNow, t.Processes, rates.P50, rates.P90, rates.Max,
            t.FirstSeen, t.LastSeen, t.OomKills, t.OpenedBetween(now - ServiceTrend.TrendWindow, now),
            t.OpenedBetween(now - (2 * ServiceTrend.TrendWindow), now - ServiceTrend.TrendWindow), t.IsRising(now), soonest?.Leak.ToString(), soonest?.SecondsToLimit);
    }
}

/// <summary>One service in detail (GET /api/services/{service}): its trend, its days, and its open leaks soonest to their limit first.</summary>
public sealed record ServiceDetailJson(ServiceTrendJson Trend, IReadOnlyList<TrendDay> Days, IReadOnlyList<OpenLeakJson> OpenLeaks)
{
    public static ServiceDetailJson Of(ServiceTrend t, TrendSource source, DateTimeOffset now, int days)
    {
        ArgumentNullException.ThrowIfNull(t);
        var open = t.Leaks.Values.Where(l => l.Open)
            .Select(l => OpenLeakJson.Of(l, now))
            .OrderBy(l => l.SecondsToLimit ?? double.MaxValue)
            .ThenBy(l => l.Id, StringComparer.Ordinal);
        return new ServiceDetailJson(ServiceTrendJson.Of(t, source, now), t.Days(DateOnly.FromDateTime(now.UtcDateTime), days), [.. open]);
    }
}

/// <summary>An open leak of a service as its trend keeps it; <paramref name="SecondsToLimit"/> re-based to now.</summary>
public sealed record OpenLeakJson(string Id, string Host, DateTimeOffset Opened, DateTimeOffset LastSeen, double GrowthBytesPerSec, double? SecondsToLimit)
{
    public static OpenLeakJson Of(TrendLeak l, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(l);
        return new OpenLeakJson(l.Leak.ToString(), l.Leak.Host, l.Opened, l.LastSeen, l.BytesPerSecond,
            l.SecondsToLimit is { } n ? TimeToLimit.At(n, l.LastReport ?? l.LastSeen, now) : null);
    }
}

/// <summary>
/// One leak of the fleet-wide list by time to limit (GET /api/top): <paramref name="SecondsToLimit"/> is the
/// time left now (what the last report said, less the time since, floored at 0), <paramref name="LimitAt"/>
/// when the limit is reached if the growth goes on as reported.
/// </summary>
public sealed record TopLeakJson(
    string Id,
    string Host,
    int Pid,
    string Service,
    string Comm,
    LeakStatus Status,
    double GrowthBytesPerSec,
    long RssBytes,
    long? MemoryLimitBytes,
    double SecondsToLimit,
    DateTimeOffset LimitAt,
    double ReportedSecondsToLimit,
    DateTimeOffset LastReport)
{
    public static TopLeakJson Of(LeakRow l, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(l);
        var reported = l.Latest.SecondsToLimit ?? throw new ArgumentException($"leak {l.Leak} has no time to a limit", nameof(l));
        return new TopLeakJson(l.Leak.ToString(), l.Leak.Host, l.Leak.Pid, l.Service, l.Comm, l.Status, l.Latest.BytesPerSecond, l.Latest.RssBytes,
            l.Latest.MemoryLimitBytes, TimeToLimit.At(reported, l.Latest.Time, now), TimeToLimit.ReachedAt(reported, l.Latest.Time), reported, l.Latest.Time);
    }
}
