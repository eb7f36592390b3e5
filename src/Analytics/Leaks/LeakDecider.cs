using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>
/// Pure: what a detection (or an OOM kill) means for a leak in a given state, as events to journal.
/// Deliveries are at-least-once, so a detection no newer than the last one applied is a duplicate and
/// yields nothing; so does anything after the process ended (except an OOM kill reported right after
/// its exit, which says how it ended). A <see cref="DetectionKind.ProcessOomKilled"/> detection is an
/// OOM kill: it ends an open leak as <see cref="LeakEnd.OomKilled"/>, and means nothing without one.
/// </summary>
public static class LeakDecider
{
    /// <summary>A suspected leak is confirmed once open this long with a report at least this sure.</summary>
    public static readonly TimeSpan ConfirmAfter = TimeSpan.FromSeconds(30);

    public const double ConfirmConfidence = 0.9;

    /// <summary>An OOM kill this soon after the exit was recorded is how the process exited.</summary>
    public static readonly TimeSpan OomAfterExit = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<LeakEvent> Decide(LeakState? state, Detection d)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (d.Kind == DetectionKind.ProcessOomKilled)
        {
            // How the process ended, even when its exit was recorded first (an agent that lost the
            // tracepoint's event, or one older than it): the OOM kill rules decide, not the duplicate check.
            return DecideOomKill(state, d.Time);
        }

        var leak = LeakId.Of(d);
        if (state is not null && (d.Time <= state.LastEventTime || state.HasEnded))
        {
            return [];
        }

        switch (d.Kind)
        {
            case DetectionKind.GrowthDetected or DetectionKind.GrowthUpdated when state is null:
                return [new LeakOpened(leak, d.Time, d.Process.StartTime, d.Process.Comm, d.Process.Cmdline, d.Process.Cgroup, d.Process.ContainerId, ServiceKey.Of(d), d.Growth.Started, LeakReport.Of(d), d.Samples)];
            case DetectionKind.GrowthDetected or DetectionKind.GrowthUpdated:
                var reopened = !state.IsOpen;
                var report = new LeakReported(leak, d.Time, LeakReport.Of(d), reopened, d.Samples);
                return !reopened && state.Status == LeakStatus.Suspected && d.Growth.Confidence >= ConfirmConfidence && d.Time - state.Opened >= ConfirmAfter
                    ? [report, new LeakConfirmed(leak, d.Time)]
                    : [report];
            case DetectionKind.GrowthResolved when state is { IsOpen: true }:
                return [new LeakResolved(leak, d.Time)];
            case DetectionKind.ProcessExited when state is not null:
                return [new LeakEnded(leak, d.Time, LeakEnd.Exited)];
            default:
                return [];
        }
    }

    /// <summary>The kernel's OOM killer took the leak's process at <paramref name="time"/>.</summary>
    public static IReadOnlyList<LeakEvent> DecideOomKill(LeakState? state, DateTimeOffset time)
    {
        if (state is null || state.Status == LeakStatus.OomKilled)
        {
            return [];
        }

        if (state.Status == LeakStatus.Exited && !(state.EndedAt is { } ended && time - ended <= OomAfterExit))
        {
            return [];
        }

        return [new LeakEnded(state.Leak, time, LeakEnd.OomKilled)];
    }
}
