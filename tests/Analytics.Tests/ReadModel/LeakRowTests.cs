using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>The read model's row fold, without a database: the lifecycle of the entity, each event once.</summary>
public class LeakRowTests
{
    private static readonly LeakId Leak = new("web-1", 4242, 599433);
    private static readonly string Pid = LeakEntity.PersistenceIdOf(Leak);

    [Fact]
    public void A_confirmed_leak_that_exits_keeps_its_latest_report_and_counts_its_reports()
    {
        var events = Journal(
            Detections.Of(Leak, DetectionKind.GrowthDetected, 0, 0.7),
            Detections.Of(Leak, DetectionKind.GrowthUpdated, 31, 0.95, limitBytes: 1L << 30, secondsToLimit: 900),
            Detections.Of(Leak, DetectionKind.ProcessExited, 60, 0.95));

        var row = Fold(events);

        Assert.NotNull(row);
        Assert.Equal(4, row.LastSequenceNr); // opened, reported, confirmed, ended
        Assert.Equal(LeakStatus.Exited, row.Status);
        Assert.Equal("api.service", row.Service);
        Assert.Equal(Detections.T0.AddSeconds(31), row.ConfirmedAt);
        Assert.Equal(Detections.T0.AddSeconds(60), row.EndedAt);
        Assert.Equal(Detections.T0.AddSeconds(60), row.LastSeen);
        Assert.Equal(2, row.Reports);
        Assert.Equal(0.95, row.Latest.Confidence);
        Assert.Equal(900, row.Latest.SecondsToLimit);
    }

    [Fact]
    public void An_event_applied_already_changes_nothing()
    {
        var events = Journal(Detections.Of(Leak, DetectionKind.GrowthDetected, 0, 0.7), Detections.Of(Leak, DetectionKind.GrowthUpdated, 5, 0.8));
        var row = Fold(events);

        foreach (var (seq, e) in events)
        {
            Assert.Same(row, LeakRow.Apply(row, Pid, seq, e));
        }

        Assert.Equal(2, row!.Reports);
    }

    [Fact]
    public void A_reopened_leak_is_a_new_episode_and_its_report_says_so()
    {
        var events = Journal(
            Detections.Of(Leak, DetectionKind.GrowthDetected, 0, 0.7),
            Detections.Of(Leak, DetectionKind.GrowthResolved, 20, 0),
            Detections.Of(Leak, DetectionKind.GrowthDetected, 60, 0.8));

        var row = Fold(events);

        Assert.Equal(LeakStatus.Suspected, row!.Status);
        Assert.Equal(2, row.Episodes);
        Assert.Equal(
            [ReportKind.Detected, null, ReportKind.Reopened],
            events.Select(p => ReportRow.Of(Pid, p.Seq, p.Event)?.Kind));
    }

    [Fact]
    public void An_event_before_the_opening_makes_no_row()
    {
        Assert.Null(LeakRow.Apply(null, Pid, 3, new LeakResolved(Leak, Detections.T0)));
    }

    [Fact]
    public void A_report_row_is_keyed_like_its_journal_event()
    {
        var (seq, opened) = Journal(Detections.Of(Leak, DetectionKind.GrowthDetected, 0, 0.7))[0];

        var report = ReportRow.Of(Pid, seq, opened);

        Assert.Equal((Pid, 1L), (report!.PersistenceId, report.SequenceNr));
        Assert.Equal(Detections.T0, report.Time);
        Assert.Equal(1 << 20, report.BytesPerSecond);
        Assert.Null(ReportRow.Of(Pid, 2, new LeakConfirmed(Leak, Detections.T0)));
    }

    /// <summary>The events the entity would journal for these detections, numbered as the journal would.</summary>
    internal static List<(long Seq, LeakEvent Event)> Journal(params Detection[] detections)
    {
        LeakState? state = null;
        var journal = new List<(long, LeakEvent)>();
        foreach (var d in detections)
        {
            foreach (var e in LeakDecider.Decide(state, d))
            {
                state = LeakState.Apply(state, e);
                journal.Add((journal.Count + 1, e));
            }
        }

        return journal;
    }

    private static LeakRow? Fold(IEnumerable<(long Seq, LeakEvent Event)> events) =>
        events.Aggregate((LeakRow?)null, (row, p) => LeakRow.Apply(row, Pid, p.Seq, p.Event));
}
