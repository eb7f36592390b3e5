using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.Analytics.Tests.Leaks;

/// <summary>The leak entity's lifecycle, decided and applied as the persistent entity does, event by event.</summary>
public class LeakLifecycleTests
{
    private static readonly DateTimeOffset T0 = Detections.T0;

    [Fact]
    public void A_detection_opens_a_suspected_leak_under_its_service_with_its_report()
    {
        var state = Run(null, Detect(DetectionKind.GrowthDetected, 0, 0.7));

        Assert.NotNull(state);
        Assert.Equal(LeakStatus.Suspected, state.Status);
        Assert.Equal("api.service", state.Service);
        Assert.Equal(new LeakId("web-1", 4242, 599433), state.Leak);
        Assert.Equal(0.7, state.Latest.Confidence);
    }

    [Fact]
    public void A_sure_report_after_thirty_seconds_confirms_it_and_not_before()
    {
        var state = Run(null, Detect(DetectionKind.GrowthDetected, 0, 0.7), Detect(DetectionKind.GrowthUpdated, 10, 0.95));
        Assert.Equal(LeakStatus.Suspected, state!.Status);

        state = Run(state, Detect(DetectionKind.GrowthUpdated, 31, 0.95));

        Assert.Equal(LeakStatus.Confirmed, state!.Status);
        Assert.Equal(T0.AddSeconds(31), state.ConfirmedAt);
    }

    [Fact]
    public void A_redelivered_detection_changes_nothing()
    {
        var first = Detect(DetectionKind.GrowthDetected, 0, 0.7);
        var update = Detect(DetectionKind.GrowthUpdated, 5, 0.8);
        var state = Run(null, first, update);

        Assert.Empty(LeakDecider.Decide(state, first));
        Assert.Empty(LeakDecider.Decide(state, update));
        Assert.Equal(T0.AddSeconds(5), state!.Latest.Time);
    }

    [Fact]
    public void A_resolved_leak_that_grows_again_is_reopened_as_a_new_episode()
    {
        var state = Run(null, Detect(DetectionKind.GrowthDetected, 0, 0.7), Detect(DetectionKind.GrowthResolved, 20, 0));
        Assert.Equal(LeakStatus.Resolved, state!.Status);

        state = Run(state, Detect(DetectionKind.GrowthDetected, 60, 0.8));

        Assert.Equal(LeakStatus.Suspected, state!.Status);
        Assert.Equal(2, state.Episodes);
    }

    [Fact]
    public void An_exit_ends_the_leak_and_nothing_after_it_counts_but_an_oom_kill_right_after_says_how()
    {
        var state = Run(null, Detect(DetectionKind.GrowthDetected, 0, 0.7), Detect(DetectionKind.ProcessExited, 40, 0.7));
        Assert.Equal(LeakStatus.Exited, state!.Status);
        Assert.Empty(LeakDecider.Decide(state, Detect(DetectionKind.GrowthUpdated, 41, 0.9)));

        foreach (var e in LeakDecider.DecideOomKill(state, T0.AddSeconds(40.5)))
        {
            state = LeakState.Apply(state, e);
        }

        Assert.Equal(LeakStatus.OomKilled, state!.Status);
        Assert.Equal(T0.AddSeconds(40), state.EndedAt);
        Assert.Empty(LeakDecider.DecideOomKill(state, T0.AddSeconds(41)));
    }

    [Fact]
    public void An_oom_kill_long_after_the_exit_is_another_process_s_business()
    {
        var state = Run(null, Detect(DetectionKind.GrowthDetected, 0, 0.7), Detect(DetectionKind.ProcessExited, 40, 0.7));

        Assert.Empty(LeakDecider.DecideOomKill(state, T0.AddSeconds(60)));
    }

    [Fact]
    public void A_process_oom_killed_detection_ends_an_open_leak_as_oom_killed()
    {
        var state = Run(null, Detect(DetectionKind.GrowthDetected, 0, 0.7));

        var events = LeakDecider.Decide(state, Detect(DetectionKind.ProcessOomKilled, 20, 0.7));

        var ended = Assert.IsType<LeakEnded>(Assert.Single(events));
        Assert.Equal(LeakEnd.OomKilled, ended.How);
        Assert.Equal(T0.AddSeconds(20), ended.Time);
        state = LeakState.Apply(state, ended);
        Assert.Equal(LeakStatus.OomKilled, state.Status);
        Assert.Empty(LeakDecider.Decide(state, Detect(DetectionKind.ProcessOomKilled, 20, 0.7)));
        Assert.Empty(LeakDecider.Decide(state, Detect(DetectionKind.ProcessExited, 20.2, 0.7)));
    }

    [Fact]
    public void A_process_oom_killed_detection_right_after_a_recorded_exit_says_how_it_ended_and_one_long_after_does_not()
    {
        var exited = Run(null, Detect(DetectionKind.GrowthDetected, 0, 0.7), Detect(DetectionKind.ProcessExited, 40, 0.7));

        var right = Assert.IsType<LeakEnded>(Assert.Single(LeakDecider.Decide(exited, Detect(DetectionKind.ProcessOomKilled, 39.9, 0.7))));
        Assert.Equal(LeakEnd.OomKilled, right.How);
        Assert.Empty(LeakDecider.Decide(exited, Detect(DetectionKind.ProcessOomKilled, 60, 0.7)));
    }

    [Fact]
    public void A_process_oom_killed_detection_without_a_leak_opens_nothing()
    {
        Assert.Empty(LeakDecider.Decide(null, Detect(DetectionKind.ProcessOomKilled, 0, 0)));
    }

    [Fact]
    public void Replaying_the_journal_rebuilds_the_same_state()
    {
        var journal = new List<LeakEvent>();
        LeakState? live = null;
        foreach (var d in new[] { Detect(DetectionKind.GrowthDetected, 0, 0.7), Detect(DetectionKind.GrowthUpdated, 35, 0.96), Detect(DetectionKind.GrowthResolved, 50, 0) })
        {
            foreach (var e in LeakDecider.Decide(live, d))
            {
                journal.Add(e);
                live = LeakState.Apply(live, e);
            }
        }

        var recovered = journal.Aggregate((LeakState?)null, LeakState.Apply);

        Assert.Equal(4, journal.Count);
        Assert.Equal(live!.Status, recovered!.Status);
        Assert.Equal(live.ConfirmedAt, recovered.ConfirmedAt);
        Assert.Equal(live, recovered);
    }

    [Fact]
    public void Events_other_than_an_opening_cannot_come_first()
    {
        Assert.Throws<InvalidOperationException>(() => LeakState.Apply(null, new LeakResolved(new LeakId("h", 1, 1), T0)));
    }

    private static LeakState? Run(LeakState? state, params Detection[] detections)
    {
        foreach (var d in detections)
        {
            foreach (var e in LeakDecider.Decide(state, d))
            {
                state = LeakState.Apply(state, e);
            }
        }

        return state;
    }

    private static Detection Detect(DetectionKind kind, double seconds, double confidence) =>
        Detections.Of(new LeakId("web-1", 4242, 599433), kind, seconds, confidence, 512L << 20, 400);
}
