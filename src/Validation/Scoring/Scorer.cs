using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Corpus;

namespace MemGrowth.Validation.Scoring;

/// <summary>
/// Scores one labelled process against what a detector reported about it, as the methodology defines:
/// a leak is a true positive when it is detected while it grows, latency runs from the leak's start to the
/// first detection; a known-good process with any detection is a false positive; an ambiguous process is
/// handled when every detection resolves within <see cref="AmbiguousAllowanceSeconds"/> of the growth
/// stopping and, when periodic, none is raised after its first full cycle.
/// </summary>
internal static class Scorer
{
    /// <summary>How soon after its growth stops an ambiguous detection must be resolved.</summary>
    public const double AmbiguousAllowanceSeconds = 10;

    /// <summary>A detection this soon after the growth stopped still counts: the reports travel through a pipeline.</summary>
    public const double LateSlackSeconds = 2;

    public static SubjectScore Score(SubjectRun run, IReadOnlyList<AgentReport> reports)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(reports);
        var detections = reports.Where(r => r.Kind == DetectionKind.GrowthDetected && r.Time >= run.Launched).ToList();
        double? track = run.FirstTracked is { } tracked && run.ProcessStart is { } start ? tracked - start : null;
        double? cleanup = run.ExitSeen is { } seen && run.Exited is { } exited ? seen - exited : null;
        var maxConfidence = reports.Where(r => r.Kind is not (DetectionKind.ProcessExited or DetectionKind.ProcessOomKilled)).Select(r => r.Confidence).DefaultIfEmpty(0).Max();
        bool? limit = run.ExpectedLimitBytes is { } expected
            ? reports.Any(r => r.Kind is not (DetectionKind.ProcessExited or DetectionKind.ProcessOomKilled) && r.MemoryLimitBytes == expected)
            : null;

        return run.Expect switch
        {
            Expectation.Leak => ScoreLeak(run, reports, detections, track, cleanup, limit),
            Expectation.Good => new SubjectScore(run, detections.Count > 0 ? Outcome.FalsePositive : Outcome.TrueNegative,
                null, detections.FirstOrDefault()?.Pattern, null, null, 0, maxConfidence, track, cleanup, null, limit),
            _ => ScoreAmbiguous(run, reports, detections, maxConfidence, track, cleanup, limit),
        };
    }

    private static SubjectScore ScoreLeak(
        SubjectRun run, IReadOnlyList<AgentReport> reports, List<AgentReport> detections, double? track, double? cleanup, bool? limit)
    {
        var leakStart = run.LeakStart ?? run.Launched;
        var growthEnd = run.GrowthEnd ?? double.PositiveInfinity;
        var severity = TrueRate.Over(run.Truth, leakStart, growthEnd);
        severity = double.IsFinite(severity) ? Math.Max(severity, 0) : 0;
        var first = detections.FirstOrDefault(d => d.Time >= leakStart && d.Time <= growthEnd + LateSlackSeconds);
        if (first is null)
        {
            return new SubjectScore(run, Outcome.FalseNegative, null, null, null, null, severity, 0, track, cleanup, null, limit);
        }

        var during = reports.Where(r => r.Kind is DetectionKind.GrowthDetected or DetectionKind.GrowthUpdated
            && r.Time >= first.Time && r.Time <= growthEnd + LateSlackSeconds).ToList();
        var settled = during.Count > 0 ? during[^1] : first;
        var confidence = during.Select(r => r.Confidence).DefaultIfEmpty(first.Confidence).Max();
        // A steady leak has one rate: what the grower achieved over its growth, per /proc. (Over only the
        // span the report had seen, /proc's least squares would weigh the runtime's own first-second jump
        // as much as the leak.)
        var actual = TrueRate.Over(run.Truth, Math.Max(settled.GrowthStarted, leakStart), growthEnd);
        double? rateError = double.IsFinite(actual) && actual > 0 ? (settled.BytesPerSecond / actual) - 1 : null;
        return new SubjectScore(run, Outcome.TruePositive, first.Time - leakStart, first.Pattern, settled.Pattern, rateError,
            severity, confidence, track, cleanup, null, limit);
    }

    private static SubjectScore ScoreAmbiguous(
        SubjectRun run, IReadOnlyList<AgentReport> reports, List<AgentReport> detections, double confidence, double? track, double? cleanup, bool? limit)
    {
        if (detections.Count == 0)
        {
            return new SubjectScore(run, Outcome.AmbiguousHandled, null, null, null, null, 0, confidence, track, cleanup, null, limit);
        }

        var leakStart = run.LeakStart ?? run.Launched;
        var handled = true;
        double worst = 0;
        foreach (var detection in detections)
        {
            if (run.Period is { } period && detection.Time > leakStart + period)
            {
                handled = false;
            }

            var stop = GrowthStopAfter(run, leakStart, detection.Time);
            var end = reports.FirstOrDefault(r => r.Time >= detection.Time
                && r.Kind is DetectionKind.GrowthResolved or DetectionKind.ProcessExited or DetectionKind.ProcessOomKilled)?.Time
                ?? run.Exited ?? double.PositiveInfinity;
            worst = Math.Max(worst, end - stop);
            if (end - stop > AmbiguousAllowanceSeconds)
            {
                handled = false;
            }
        }

        return new SubjectScore(run, handled ? Outcome.AmbiguousHandled : Outcome.AmbiguousMishandled,
            detections[0].Time - leakStart, detections[0].Pattern, null, null, 0, confidence, track, cleanup, worst, limit);
    }

    /// <summary>The first time the growth stops at or after <paramref name="time"/>: the plateau's end, or the next tooth's peak.</summary>
    private static double GrowthStopAfter(SubjectRun run, double leakStart, double time)
    {
        var growth = (run.GrowthEnd ?? double.PositiveInfinity) - leakStart;
        if (run.Period is not { } period)
        {
            return leakStart + growth;
        }

        var stop = leakStart + growth;
        while (stop < time)
        {
            stop += period;
        }

        return stop;
    }
}
