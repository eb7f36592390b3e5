namespace MemGrowth.Shared.Messages;

/// <summary>
/// Whether a leak event read from the journal is one a leak entity could have journaled from detections that
/// pass <see cref="DetectionCheck"/>: its leak a real process's, its time set, its report's numbers in range.
/// Older builds journaled what any detection said (a detection without host or pid became leak "/0/0"); what
/// fails here is quarantined by the read side, never projected.
/// </summary>
public static class LeakEventCheck
{
    /// <summary>Why <paramref name="e"/> cannot be a leak entity's event, or null when it can.</summary>
    public static string? Problem(LeakEvent? e)
    {
        if (e is null)
        {
            return "no event";
        }

        if (DetectionCheck.LeakProblem(e.Leak) is { } leak)
        {
            return $"leak '{e.Leak}': {leak}";
        }

        if (e.Time == default)
        {
            return "no time";
        }

        return e switch
        {
            LeakOpened o when o.Comm is null || o.Cmdline is null || o.Service is null => "an opening without comm, cmdline or service",
            LeakOpened o when o.ProcessStarted == default => "an opening without the process's start time",
            LeakOpened o => ReportProblem(o.Report),
            LeakReported r => ReportProblem(r.Report),
            LeakEnded ended when !Enum.IsDefined(ended.How) => $"an end of unknown kind {(int)ended.How}",
            _ => null,
        };
    }

    private static string? ReportProblem(LeakReport? report)
    {
        if (report is null)
        {
            return "no report";
        }

        if (report.Time == default)
        {
            return "a report without time";
        }

        if (!Enum.IsDefined(report.Pattern))
        {
            return $"a report of unknown pattern {(int)report.Pattern}";
        }

        if (!double.IsFinite(report.BytesPerSecond) || !double.IsFinite(report.Confidence) || report.Confidence < 0 || report.Confidence > 1)
        {
            return "a report whose rate or confidence is out of range";
        }

        if (report.RssBytes < 0 || report.MemoryLimitBytes is < 0 || report.SecondsToLimit is { } toLimit && (double.IsNaN(toLimit) || toLimit < 0))
        {
            return "a report with a negative size, limit or time to it";
        }

        return null;
    }
}
