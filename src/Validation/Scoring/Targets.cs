using System.Globalization;
using MemGrowth.Shared.Growth;
using MemGrowth.Validation.Corpus;

namespace MemGrowth.Validation.Scoring;

/// <summary>
/// The targets, checked against MemGrowth's scores, with the baseline's value beside each. The full
/// corpus (and its recorded traces, replayed in the tests) is judged on the targets; the quick subset run live
/// in CI on its <see cref="SmokeBounds"/>, shown beside each target. "All" targets stay strict in both.
/// </summary>
internal static class Targets
{
    public static IReadOnlyList<TargetCheck> Check(
        IReadOnlyList<SubjectScore> scores, DetectorMetrics ours, DetectorMetrics baseline, IReadOnlyList<SubjectScore> baselineScores, SmokeBounds? smoke = null)
    {
        var patternHits = scores.Count(s => s.Outcome == Outcome.TruePositive && s.Run.ExpectedPattern is not null && s.SettledPattern == s.Run.ExpectedPattern);
        var patternAll = scores.Count(s => s.Outcome == Outcome.TruePositive && s.Run.ExpectedPattern is not null);
        var checks = new List<TargetCheck>
        {
            new("true-positive rate", Bound("≥ 98 %", smoke, b => $"≥ {Percent(b.TruePositive)}"), Share(ours.Detected, ours.Leaks), Share(baseline.Detected, baseline.Leaks),
                ours.Leaks > 0 && ours.Detected / (double)ours.Leaks >= (smoke?.TruePositive ?? 0.98)),
            new("false-positive rate", Bound("≤ 1 %", smoke, b => $"≤ {Percent(b.FalsePositive)}"), Share(ours.FalsePositives, ours.Good), Share(baseline.FalsePositives, baseline.Good),
                ours.Good > 0 && ours.FalsePositives / (double)ours.Good <= (smoke?.FalsePositive ?? 0.01)),
            new("ambiguous cases resolved within 10 s, not re-flagged", "all", Share(ours.AmbiguousHandled, ours.Ambiguous),
                Share(baseline.AmbiguousHandled, baseline.Ambiguous), ours.AmbiguousHandled == ours.Ambiguous),
            new("pattern classification", Bound("≥ 95 %", smoke, b => $"≥ {Percent(b.Pattern)}"), $"{Percent(ours.PatternAccuracy)} ({patternHits}/{patternAll})", "n/a (no patterns)",
                patternAll > 0 && patternHits / (double)patternAll >= (smoke?.Pattern ?? 0.95)),
            new("growth-rate error, steady growth (p95 of |error|)", Bound("≤ 3 %", smoke, b => $"median ≤ {Percent(b.RateErrorMedian)}"), RateText(ours.RateError), RateText(baseline.RateError),
                ours.RateError is { } e && (smoke is null ? e.P95 <= 0.03 : e.P50 <= smoke.RateErrorMedian)),
            new("confidence-severity Spearman", Bound("≥ 0.9", smoke, b => $"≥ {b.Spearman:0.0#}"), Number(ours.Spearman), "n/a (no confidence)",
                ours.Spearman >= (smoke?.Spearman ?? 0.9)),
            new("1 MiB/s linear leak latency p50", Bound("≤ 6 s", smoke, b => $"≤ {b.LatencyP50:0.#} s"), Seconds(ours.Latency1MB.P50, ours.Latency1MB.Count), Seconds(baseline.Latency1MB.P50, baseline.Latency1MB.Count),
                ours.Latency1MB.Count > 0 && ours.Latency1MB.P50 <= (smoke?.LatencyP50 ?? 6)),
            new("1 MiB/s linear leak latency p95", Bound("≤ 10 s", smoke, b => $"≤ {b.LatencyP95:0.#} s"), Seconds(ours.Latency1MB.P95, ours.Latency1MB.Count), Seconds(baseline.Latency1MB.P95, baseline.Latency1MB.Count),
                ours.Latency1MB.Count > 0 && ours.Latency1MB.P95 <= (smoke?.LatencyP95 ?? 10)),
            BurstCheck(scores, baselineScores),
            SlowCheck(scores, baselineScores),
            TimingCheck("new processes tracked within 1 s", scores, s => s.TrackSeconds),
            TimingCheck("exited processes cleaned up within 1 s", scores, s => s.CleanupSeconds),
        };

        var limited = scores.Where(s => s.LimitCorrect is not null).ToList();
        if (limited.Count > 0)
        {
            checks.Add(new TargetCheck("memory limit reported for leaks under a limit", "all",
                Share(limited.Count(s => s.LimitCorrect == true), limited.Count), "n/a", limited.All(s => s.LimitCorrect == true)));
        }

        return checks;
    }

    /// <summary>Every burst leak detected at its second step: after it, and before the third.</summary>
    private static TargetCheck BurstCheck(IReadOnlyList<SubjectScore> scores, IReadOnlyList<SubjectScore> baseline)
    {
        static (int Ok, int All) Count(IReadOnlyList<SubjectScore> scores)
        {
            var bursts = scores.Where(s => s.Run.ExpectedPattern == GrowthPattern.Burst).ToList();
            return (bursts.Count(s => s.LatencySeconds is { } l && s.Run.Period is { } p && l >= p && l < 2 * p), bursts.Count);
        }

        var (ok, all) = Count(scores);
        var (bok, ball) = Count(baseline);
        return new TargetCheck("burst leaks detected at their second step", "all", Share(ok, all), Share(bok, ball), all > 0 && ok == all);
    }

    /// <summary>Every 64 KiB/s leak detected within 60 s.</summary>
    private static TargetCheck SlowCheck(IReadOnlyList<SubjectScore> scores, IReadOnlyList<SubjectScore> baseline)
    {
        static (int Ok, int All, double Worst) Count(IReadOnlyList<SubjectScore> scores)
        {
            var slow = scores.Where(s => s.Run.Scenario == "linear-64k").ToList();
            return (slow.Count(s => s.LatencySeconds <= 60), slow.Count, slow.Select(s => s.LatencySeconds ?? double.PositiveInfinity).DefaultIfEmpty(double.NaN).Max());
        }

        var (ok, all, worst) = Count(scores);
        var (bok, ball, bworst) = Count(baseline);
        if (all == 0)
        {
            return new TargetCheck("64 KiB/s leaks detected within 60 s", "all", "not run (full corpus only)", "n/a", true);
        }

        return new TargetCheck("64 KiB/s leaks detected within 60 s", "all",
            $"{Share(ok, all)}, slowest {Seconds(worst, all)}", $"{Share(bok, ball)}, slowest {Seconds(bworst, ball)}", ok == all);
    }

    private static TargetCheck TimingCheck(string name, IReadOnlyList<SubjectScore> scores, Func<SubjectScore, double?> measure)
    {
        var values = scores.Select(measure).ToList();
        var missing = values.Count(v => v is null);
        var worst = values.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.NaN).Max();
        var text = string.Create(CultureInfo.InvariantCulture, $"slowest {worst:0.###} s over {values.Count - missing} processes");
        if (missing > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $", {missing} never seen");
        }

        return new TargetCheck(name, "≤ 1 s, every process", text, "n/a", missing == 0 && worst <= 1);
    }

    /// <summary>The target, and the smoke run's bound beside it when there is one.</summary>
    private static string Bound(string target, SmokeBounds? smoke, Func<SmokeBounds, string> bound) =>
        smoke is null ? target : $"{target} (smoke: {bound(smoke)})";

    private static string Share(int part, int whole) =>
        whole == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * part / whole:0.0} % ({part}/{whole})");

    private static string Percent(double? value) =>
        value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{100 * v:0.0} %") : "n/a";

    private static string Number(double? value) =>
        value is { } v && double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";

    private static string RateText((double P50, double P95)? rate) =>
        rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"p50 {100 * r.P50:0.0} %, p95 {100 * r.P95:0.0} %") : "n/a";

    private static string Seconds(double value, int count) =>
        count == 0 || !double.IsFinite(value) ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} s (n={count})");
}
