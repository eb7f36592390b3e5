using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>
/// One leak's state, built only by <see cref="Apply"/> from its journal, so recovery is replaying events.
/// Pure: the persistent entity around it only journals what <see cref="LeakDecider"/> decides and applies it.
/// The samples that opened and reported events carry are left out, so the state (and its snapshots) stays
/// small: they are journaled and projected into the read model, never held here.
/// </summary>
/// <param name="LastEventTime">Time of the latest detection applied: a delivery with this time or older is a duplicate.</param>
/// <param name="Reports">The reports behind the leak, oldest first, at most <see cref="MaxReports"/> (the newest kept).</param>
public sealed record LeakState(
    LeakId Leak,
    LeakStatus Status,
    string Service,
    string Comm,
    string Cmdline,
    string? Cgroup,
    string? ContainerId,
    DateTimeOffset ProcessStarted,
    DateTimeOffset Opened,
    DateTimeOffset GrowthStarted,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? EndedAt,
    int Episodes,
    DateTimeOffset LastEventTime,
    IReadOnlyList<LeakReport> Reports)
{
    public const int MaxReports = 500;

    public LeakReport Latest => Reports[^1];

    public bool IsOpen => Status is LeakStatus.Suspected or LeakStatus.Confirmed;

    public bool HasEnded => Status is LeakStatus.Exited or LeakStatus.OomKilled;

    /// <summary>The state after <paramref name="e"/>; <paramref name="state"/> is null before the first event.</summary>
    /// <exception cref="InvalidOperationException">An event other than <see cref="LeakOpened"/> arrives first.</exception>
    public static LeakState Apply(LeakState? state, LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is LeakOpened opened)
        {
            return new LeakState(opened.Leak, LeakStatus.Suspected, opened.Service, opened.Comm, opened.Cmdline, opened.Cgroup,
                opened.ContainerId, opened.ProcessStarted, opened.Time, opened.GrowthStarted, null, null, 1, opened.Time, [opened.Report]);
        }

        var s = state ?? throw new InvalidOperationException($"{e.GetType().Name} for {e.Leak} before the leak was opened");
        return e switch
        {
            LeakReported r => s with
            {
                Status = r.Reopened ? LeakStatus.Suspected : s.Status,
                Episodes = r.Reopened ? s.Episodes + 1 : s.Episodes,
                ConfirmedAt = r.Reopened ? null : s.ConfirmedAt,
                LastEventTime = r.Time,
                Reports = Append(s.Reports, r.Report),
            },
            LeakConfirmed c => s with { Status = LeakStatus.Confirmed, ConfirmedAt = c.Time, LastEventTime = Max(s.LastEventTime, c.Time) },
            LeakResolved r => s with { Status = LeakStatus.Resolved, LastEventTime = r.Time },
            LeakEnded end => s with
            {
                Status = end.How == LeakEnd.OomKilled ? LeakStatus.OomKilled : LeakStatus.Exited,
                EndedAt = s.EndedAt ?? end.Time,
                LastEventTime = Max(s.LastEventTime, end.Time),
            },
            _ => throw new InvalidOperationException($"unknown leak event {e.GetType().Name}"),
        };
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static List<LeakReport> Append(IReadOnlyList<LeakReport> reports, LeakReport report)
    {
        var list = new List<LeakReport>(Math.Min(reports.Count + 1, MaxReports));
        list.AddRange(reports.Count >= MaxReports ? reports.Skip(reports.Count - MaxReports + 1) : reports);
        list.Add(report);
        return list;
    }
}
