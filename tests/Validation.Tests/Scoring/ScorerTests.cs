using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Scoring;
using Xunit;

namespace MemGrowth.Validation.Tests.Scoring;

public class ScorerTests
{
    private const double MiB = 1 << 20;

    [Fact]
    public void A_leak_detected_while_it_grows_is_a_true_positive_with_latency_from_the_leak_start()
    {
        var run = Leak(leakStart: 100, growthEnd: 130) with { Reports = [Report(105.5, DetectionKind.GrowthDetected, 1.02 * MiB, 0.7)] };

        var score = Scorer.Score(run, run.Reports);

        Assert.Equal(Outcome.TruePositive, score.Outcome);
        Assert.Equal(5.5, score.LatencySeconds!.Value, 6);
        Assert.Equal(GrowthPattern.Linear, score.PatternAtDetection);
    }

    [Fact]
    public void The_rate_error_compares_the_settled_report_with_the_rate_proc_shows_over_the_growth()
    {
        // /proc says exactly 1 MiB/s; the last report during the leak said 1.05 MiB/s.
        var run = Leak(leakStart: 100, growthEnd: 130) with
        {
            Reports =
            [
                Report(106, DetectionKind.GrowthDetected, 0.9 * MiB, 0.7),
                Report(120, DetectionKind.GrowthUpdated, 1.05 * MiB, 0.9),
                Report(140, DetectionKind.GrowthResolved, 0, 0),
            ],
        };

        var score = Scorer.Score(run, run.Reports);

        Assert.Equal(0.05, score.RateError!.Value, 3);
        Assert.Equal(0.9, score.Confidence);
        Assert.Equal(MiB, score.Severity, 0);
    }

    [Fact]
    public void A_leak_only_detected_after_its_growth_stopped_is_missed()
    {
        var run = Leak(leakStart: 100, growthEnd: 130) with { Reports = [Report(133, DetectionKind.GrowthDetected, MiB, 0.7)] };

        Assert.Equal(Outcome.FalseNegative, Scorer.Score(run, run.Reports).Outcome);
    }

    [Fact]
    public void Any_detection_of_a_known_good_process_is_a_false_positive()
    {
        var run = Leak(100, 130) with { Expect = Expectation.Good, ExpectedPattern = null, LeakStart = null, GrowthEnd = null };

        Assert.Equal(Outcome.TrueNegative, Scorer.Score(run, []).Outcome);
        Assert.Equal(Outcome.FalsePositive, Scorer.Score(run, [Report(150, DetectionKind.GrowthDetected, MiB, 0.61)]).Outcome);
    }

    [Theory]
    [InlineData(128, 138, true)] // detected late in the warm-up, resolved 8 s after it stopped
    [InlineData(128, 141, false)] // resolved 11 s after: too late
    public void An_ambiguous_detection_must_resolve_within_ten_seconds_of_the_growth_stopping(double detected, double resolved, bool handled)
    {
        var run = Leak(leakStart: 110, growthEnd: 130) with { Expect = Expectation.Ambiguous, ExpectedPattern = null };
        AgentReport[] reports = [Report(detected, DetectionKind.GrowthDetected, MiB, 0.7), Report(resolved, DetectionKind.GrowthResolved, 0, 0)];

        var score = Scorer.Score(run, reports);

        Assert.Equal(handled ? Outcome.AmbiguousHandled : Outcome.AmbiguousMishandled, score.Outcome);
        Assert.Equal(resolved - 130, score.ResolveSeconds!.Value, 6);
    }

    [Fact]
    public void A_periodic_ambiguous_process_flagged_again_after_its_first_cycle_is_mishandled()
    {
        // A 15 s sawtooth from 100: teeth peak at 107.5, 122.5, ...
        var run = Leak(leakStart: 100, growthEnd: 107.5) with { Expect = Expectation.Ambiguous, ExpectedPattern = null, Period = 15 };
        AgentReport[] once = [Report(106, DetectionKind.GrowthDetected, MiB, 0.7), Report(110, DetectionKind.GrowthResolved, 0, 0)];
        AgentReport[] again = [.. once, Report(121, DetectionKind.GrowthDetected, MiB, 0.7), Report(124, DetectionKind.GrowthResolved, 0, 0)];

        Assert.Equal(Outcome.AmbiguousHandled, Scorer.Score(run, once).Outcome);
        Assert.Equal(Outcome.AmbiguousMishandled, Scorer.Score(run, again).Outcome);
    }

    [Fact]
    public void Tracking_and_cleanup_delays_come_from_the_process_start_and_the_kernel_exit()
    {
        var run = Leak(100, 130) with { ProcessStart = 99.8, FirstTracked = 99.85, Exited = 140, ExitSeen = 140.02 };

        var score = Scorer.Score(run, []);

        Assert.Equal(0.05, score.TrackSeconds!.Value, 6);
        Assert.Equal(0.02, score.CleanupSeconds!.Value, 6);
    }

    [Fact]
    public void A_limit_counts_as_reported_only_when_a_detection_carried_the_expected_one()
    {
        var run = Leak(100, 130) with { ExpectedLimitBytes = 512L << 20 };

        Assert.False(Scorer.Score(run, [Report(105, DetectionKind.GrowthDetected, MiB, 0.7)]).LimitCorrect);
        Assert.True(Scorer.Score(run, [Report(105, DetectionKind.GrowthDetected, MiB, 0.7) with { MemoryLimitBytes = 512L << 20 }]).LimitCorrect);
    }

    /// <summary>A leak at exactly 1 MiB/s per /proc from <paramref name="leakStart"/> to <paramref name="growthEnd"/>, flat after.</summary>
    private static SubjectRun Leak(double leakStart, double growthEnd)
    {
        var truth = Enumerable.Range(0, 60)
            .Select(i => leakStart - 5 + i)
            .Select(t => new TruthPoint(t, (long)((30 * MiB) + (MiB * Math.Clamp(t - leakStart, 0, growthEnd - leakStart)))))
            .ToList();
        return new SubjectRun("linear-1m", "test", Expectation.Leak, GrowthPattern.Linear, 4242, leakStart - 1, leakStart, growthEnd,
            null, null, truth, [], null, null, null);
    }

    private static AgentReport Report(double time, DetectionKind kind, double rate, double confidence) =>
        new(time, kind, rate > 0 ? GrowthPattern.Linear : GrowthPattern.Stable, rate, confidence, time - 8, 0, null, null);
}
