using System.Globalization;
using MemGrowth.Shared.Growth;
using MemGrowth.Validation.Baseline;
using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Replay;

namespace MemGrowth.Validation.Scoring;

/// <summary>Everything computed from a recorded run: scores, both detectors' metrics, the sweep, the targets.</summary>
/// <param name="Replayed">Processes where the offline replay at the agent's threshold agrees with the live agent on detected or not.</param>
/// <param name="Eager">The eager baseline rule (<see cref="LinearTrendRule.Eager"/>), for the trade-off.</param>
public sealed record EvaluationResult(
    IReadOnlyList<SubjectScore> Scores,
    DetectorMetrics Ours,
    IReadOnlyList<SubjectScore> BaselineScores,
    DetectorMetrics Baseline,
    DetectorMetrics Eager,
    IReadOnlyList<SweepPoint> Sweep,
    IReadOnlyList<TargetCheck> Targets,
    IReadOnlyList<string> Issues,
    int Replayed);

/// <summary>
/// Pure: scores a recorded run. MemGrowth is scored on what the live agent reported; the threshold sweep
/// replays the same traces through the same analysis at other thresholds; the baseline rule is evaluated
/// on the same traces.
/// </summary>
public static class Evaluation
{
    public static IReadOnlyList<double> SweepThresholds { get; } =
        [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

    /// <param name="smoke">The live quick run's bounds, judged instead of the targets (see <see cref="SmokeBounds"/>); null for the targets.</param>
    public static EvaluationResult Run(IReadOnlyList<RecordedProcess> processes, GrowthSettings settings, double startupGraceSeconds, int seed, SmokeBounds? smoke = null)
    {
        ArgumentNullException.ThrowIfNull(processes);
        ArgumentNullException.ThrowIfNull(settings);
        var scores = processes.Select(p => Scorer.Score(p.Run, p.Run.Reports)).ToList();
        var ours = MetricsCalculator.Compute("MemGrowth", scores, hasPatterns: true, hasConfidence: true);

        var baselineScores = BaselineScores(processes, LinearTrendRule.Default, seed);
        var baseline = MetricsCalculator.Compute(LinearTrendRule.Default.Name, baselineScores, hasPatterns: false, hasConfidence: false);
        var eager = MetricsCalculator.Compute(LinearTrendRule.Eager.Name, BaselineScores(processes, LinearTrendRule.Eager, seed), hasPatterns: false, hasConfidence: false);

        var sweep = SweepThresholds.Select(t =>
        {
            var replayed = Replayed(processes, settings with { ConfidenceThreshold = t }, startupGraceSeconds);
            var m = MetricsCalculator.Compute("MemGrowth", replayed, hasPatterns: false, hasConfidence: false);
            return new SweepPoint(t, m.TruePositiveRate, m.FalsePositiveRate, m.Latency);
        }).ToList();

        var atThreshold = Replayed(processes, settings, startupGraceSeconds);
        var agree = scores.Zip(atThreshold).Count(p => Detected(p.First) == Detected(p.Second));

        var targets = Targets.Check(scores, ours, baseline, baselineScores, smoke);
        return new EvaluationResult(scores, ours, baselineScores, baseline, eager, sweep, targets, Issues(scores, processes.Count, agree), agree);
    }

    /// <summary>Scores from replaying each process's trace offline (the process's live run gives the labels).</summary>
    public static IReadOnlyList<SubjectScore> Replayed(IReadOnlyList<RecordedProcess> processes, GrowthSettings settings, double startupGraceSeconds) =>
        [.. processes.Select(p => Scorer.Score(p.Run, p.Trace is null ? [] : TraceReplay.Run(p.Trace, settings, startupGraceSeconds)))];

    private static bool Detected(SubjectScore s) => s.Outcome is Outcome.TruePositive or Outcome.FalsePositive
        || (s.Outcome is Outcome.AmbiguousHandled or Outcome.AmbiguousMishandled && s.LatencySeconds is not null);

    /// <summary>The same scrape phases for every rule (same seed): the rules differ, not the luck of the scrapes.</summary>
    private static List<SubjectScore> BaselineScores(IReadOnlyList<RecordedProcess> processes, LinearTrendRule rule, int seed)
    {
        var random = new Random(seed);
        return [.. processes.Select(p => Scorer.Score(p.Run, BaselineReports(p, rule, random)))];
    }

    private static List<AgentReport> BaselineReports(RecordedProcess process, LinearTrendRule rule, Random random)
    {
        var trace = process.Trace;
        if (trace is null || trace.Samples.Count == 0)
        {
            return [];
        }

        var points = trace.Samples.Select(s => (s.Time, s.FootprintBytes)).ToList();
        var end = trace.Exit ?? trace.Samples[^1].Time;

        // Prometheus scrapes each target at its own phase within the interval.
        var phase = random.NextDouble() * rule.ScrapeInterval.TotalSeconds;
        var reports = new List<AgentReport>();
        foreach (var firing in rule.Evaluate(points, trace.Start, end, phase))
        {
            reports.Add(new AgentReport(firing.Start, Shared.Messages.DetectionKind.GrowthDetected, GrowthPattern.Linear, firing.BytesPerSecond, 0,
                firing.Start - rule.Range.TotalSeconds, 0, null, null));
            if (firing.End is { } resolved)
            {
                reports.Add(new AgentReport(resolved, Shared.Messages.DetectionKind.GrowthResolved, GrowthPattern.Stable, 0, 0, double.NaN, 0, null, null));
            }
        }

        return reports;
    }

    private static List<string> Issues(IReadOnlyList<SubjectScore> scores, int processes, int agree)
    {
        var issues = new List<string>();
        foreach (var s in scores)
        {
            var what = string.Create(CultureInfo.InvariantCulture, $"{s.Run.Scenario} pid {s.Run.Pid} ({s.Run.Variant})");
            switch (s.Outcome)
            {
                case Outcome.FalseNegative:
                    issues.Add($"missed leak: {what}");
                    break;
                case Outcome.FalsePositive:
                    issues.Add(string.Create(CultureInfo.InvariantCulture, $"false positive: {what}, flagged {s.PatternAtDetection?.ToString().ToLowerInvariant()} at confidence {s.Confidence:0.00}"));
                    break;
                case Outcome.AmbiguousMishandled:
                    issues.Add(string.Create(CultureInfo.InvariantCulture, $"ambiguous case mishandled: {what}, resolved {s.ResolveSeconds:0.0} s after the growth stopped"));
                    break;
            }

            if (s.Outcome == Outcome.TruePositive && s.Run.ExpectedPattern is { } expected && s.SettledPattern != expected)
            {
                issues.Add($"pattern: {what} expected {expected.ToString().ToLowerInvariant()}, reported {s.SettledPattern?.ToString().ToLowerInvariant()}");
            }

            var raised = s.Run.Reports.Count(r => r.Kind == Shared.Messages.DetectionKind.GrowthDetected
                && r.Time >= (s.Run.LeakStart ?? s.Run.Launched) && r.Time <= (s.Run.GrowthEnd ?? double.PositiveInfinity));
            if (s.Run.Expect == Expectation.Leak && raised > 1)
            {
                issues.Add($"flapping: {what} was detected {raised} times while it grew (resolved in between)");
            }

            if (s.Run.Expect == Expectation.Leak && s.Run.ExpectedPattern == GrowthPattern.Linear && s.RateError is { } e && Math.Abs(e) > 0.03)
            {
                issues.Add(string.Create(CultureInfo.InvariantCulture, $"rate: {what} reported {100 * e:+0.0;-0.0} % off /proc"));
            }

            if (s.TrackSeconds is null or > 1 || (s.Run.Exited is not null && s.CleanupSeconds is null or > 1))
            {
                issues.Add(string.Create(CultureInfo.InvariantCulture, $"tracking: {what} tracked after {s.TrackSeconds?.ToString("0.000", CultureInfo.InvariantCulture) ?? "never"} s, cleaned up after {s.CleanupSeconds?.ToString("0.000", CultureInfo.InvariantCulture) ?? "never"} s"));
            }
        }

        if (agree < processes)
        {
            issues.Add($"offline replay agrees with the live agent on {agree} of {processes} processes (detected or not)");
        }

        return issues;
    }
}
