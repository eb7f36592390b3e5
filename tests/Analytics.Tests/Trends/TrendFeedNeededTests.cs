using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.Trends;

/// <summary>
/// What the projection hands a trend of a batch: a report that a later report of its leak in the batch sets
/// over is left out, and a trend fed the rest ends where one fed everything ends.
/// </summary>
public sealed class TrendFeedNeededTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly LeakId A = new("web-1", 1, 10);
    private static readonly LeakId B = new("web-2", 2, 20);

    [Fact]
    public void Reports_set_over_by_a_later_report_of_their_leak_are_left_out_and_the_trend_ends_the_same()
    {
        ProjectedEvent[] batch =
        [
            Event(A, 1, new LeakOpened(A, T0, T0.AddMinutes(-5), "api", "/usr/bin/api", null, null, "api", T0, Report(0, 1))),
            Event(A, 2, Reported(A, 1, 2)),
            Event(B, 7, Reported(B, 2, 3)),
            Event(A, 3, Reported(A, 3, 4)),       // sets over A's report 2
            Event(B, 8, new LeakResolved(B, T0.AddSeconds(4))),
            Event(B, 9, Reported(B, 5, 6, reopened: true)),
            Event(B, 10, Reported(B, 6, 7)),      // a reopening is kept; this sets over nothing later
            Event(A, 4, Reported(A, 7, 8)),       // sets over A's report 3
            Event(A, 5, new LeakEnded(A, T0.AddSeconds(9), LeakEnd.OomKilled)),
        ];

        var needed = TrendFeed.Needed(batch).ToList();

        Assert.Equal([(A, 1L), (B, 7L), (B, 8L), (B, 9L), (B, 10L), (A, 4L), (A, 5L)], needed.Select(e => (e.Event.Leak, e.SequenceNr)));
        var known = ServiceTrend.Empty("api").Apply(new TrendInput("leak-" + B, 6, new LeakOpened(B, T0.AddSeconds(-1), T0.AddMinutes(-5), "api", "/usr/bin/api", null, null, "api", T0, Report(-1, 1))));
        Assert.Equal(Feed(known, batch).Leaks, Feed(known, needed).Leaks);
        Assert.Equal(Feed(known, batch).LastSeen, Feed(known, needed).LastSeen);
    }

    private static ServiceTrend Feed(ServiceTrend trend, IEnumerable<ProjectedEvent> events) =>
        events.Aggregate(trend, (t, e) => t.Apply(new TrendInput(e.PersistenceId, e.SequenceNr, e.Event)));

    private static ProjectedEvent Event(LeakId leak, long seq, LeakEvent e) => new("leak-" + leak, seq, seq * 100, e);

    private static LeakReported Reported(LeakId leak, int seconds, double rate, bool reopened = false) =>
        new(leak, T0.AddSeconds(seconds), Report(seconds, rate), reopened);

    private static LeakReport Report(int seconds, double rate) => new(T0.AddSeconds(seconds), GrowthPattern.Linear, rate, 0.9, 100, 1000, 60 / rate);
}
