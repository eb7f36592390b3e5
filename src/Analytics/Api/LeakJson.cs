using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Analytics.Api;

/// <summary>
/// One leak as the API and `memgrowth leaks --json` write it (snake_case through <see cref="ApiJson"/>):
/// the fields `memgrowth leaks --json` always wrote, plus when it was last seen.
/// </summary>
public sealed record LeakJson(
    string Id,
    string Host,
    int Pid,
    ulong StartTicks,
    LeakStatus Status,
    string Service,
    string Comm,
    string Cmdline,
    string? Cgroup,
    string? ContainerId,
    DateTimeOffset Opened,
    DateTimeOffset GrowthStarted,
    DateTimeOffset? Confirmed,
    DateTimeOffset? Ended,
    int Episodes,
    GrowthPattern Pattern,
    double GrowthBytesPerSec,
    double Confidence,
    long RssBytes,
    long? MemoryLimitBytes,
    double? SecondsToLimit,
    DateTimeOffset LastReport,
    DateTimeOffset LastSeen,
    int Reports)
{
    public static LeakJson Of(LeakRow l)
    {
        ArgumentNullException.ThrowIfNull(l);
        return new LeakJson(l.Leak.ToString(), l.Leak.Host, l.Leak.Pid, l.Leak.StartTicks, l.Status, l.Service, l.Comm, l.Cmdline, l.Cgroup,
            l.ContainerId, l.Opened, l.GrowthStarted, l.ConfirmedAt, l.EndedAt, l.Episodes, l.Latest.Pattern, l.Latest.BytesPerSecond,
            l.Latest.Confidence, l.Latest.RssBytes, l.Latest.MemoryLimitBytes, l.Latest.SecondsToLimit, l.Latest.Time, l.LastSeen, l.Reports);
    }
}

/// <summary>One report behind a leak, as the API writes it.</summary>
public sealed record ReportJson(long SequenceNr, ReportKind Kind, DateTimeOffset Time, GrowthPattern Pattern, double GrowthBytesPerSec,
    double Confidence, long RssBytes, long? MemoryLimitBytes, double? SecondsToLimit)
{
    public static ReportJson Of(ReportRow r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new ReportJson(r.SequenceNr, r.Kind, r.Time, r.Pattern, r.BytesPerSecond, r.Confidence, r.RssBytes, r.MemoryLimitBytes, r.SecondsToLimit);
    }
}

/// <summary>One sample behind a report, as the API writes it: <see cref="SequenceNr"/> is its report's.</summary>
public sealed record SampleJson(long SequenceNr, DateTimeOffset Time, long RssBytes, long AnonBytes, long FileBytes, long SwapBytes)
{
    public static SampleJson Of(SampleRow s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new SampleJson(s.SequenceNr, s.Time, s.RssBytes, s.AnonBytes, s.FileBytes, s.SwapBytes);
    }
}

/// <summary>One leak with its newest reports, newest first, and the newest samples behind them, oldest first (GET /api/leaks/{id}).</summary>
public sealed record LeakDetailJson(LeakJson Leak, IReadOnlyList<ReportJson> Reports, IReadOnlyList<SampleJson> Samples)
{
    public static LeakDetailJson Of(LeakDetail d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new LeakDetailJson(LeakJson.Of(d.Leak), [.. d.Reports.Select(ReportJson.Of)], [.. d.Samples.Select(SampleJson.Of)]);
    }
}
