using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// One report behind a leak (a detection the agent sent), keyed like the journal event that carried it,
/// (persistence id, sequence nr), so storing it twice stores it once.
/// </summary>
public sealed record ReportRow(
    string PersistenceId,
    long SequenceNr,
    ReportKind Kind,
    DateTimeOffset Time,
    GrowthPattern Pattern,
    double BytesPerSecond,
    double Confidence,
    long RssBytes,
    long? MemoryLimitBytes,
    double? SecondsToLimit)
{
    /// <summary>The report event <paramref name="sequenceNr"/> carries, or null when it carries none (confirmed, resolved, ended).</summary>
    public static ReportRow? Of(string persistenceId, long sequenceNr, LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var report = e switch
        {
            LeakOpened o => o.Report,
            LeakReported r => r.Report,
            _ => null,
        };
        return report is null || KindOf(e) is not { } kind
            ? null
            : new ReportRow(persistenceId, sequenceNr, kind, report.Time, report.Pattern, report.BytesPerSecond, report.Confidence,
                report.RssBytes, report.MemoryLimitBytes, report.SecondsToLimit);
    }

    public static ReportKind? KindOf(LeakEvent e) => e switch
    {
        LeakOpened => ReportKind.Detected,
        LeakReported { Reopened: true } => ReportKind.Reopened,
        LeakReported => ReportKind.Updated,
        _ => null,
    };
}
