using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Statistics;
using MemGrowth.Validation.Corpus;

namespace MemGrowth.Validation.Scoring;

/// <summary>Aggregates scored processes into a detector's <see cref="DetectorMetrics"/>.</summary>
internal static class MetricsCalculator
{
    /// <summary>The scenario whose latency the 1 MiB/s target is about.</summary>
    public const string OneMegabyteScenario = "linear-1m";

    /// <param name="hasPatterns">False for a detector that names no pattern (the baseline rule).</param>
    /// <param name="hasConfidence">False for a detector with no confidence (the baseline rule fires or not).</param>
    public static DetectorMetrics Compute(string detector, IReadOnlyList<SubjectScore> scores, bool hasPatterns, bool hasConfidence)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var leaks = scores.Where(s => s.Run.Expect == Expectation.Leak).ToList();
        var good = scores.Where(s => s.Run.Expect == Expectation.Good).ToList();
        var ambiguous = scores.Where(s => s.Run.Expect == Expectation.Ambiguous).ToList();
        var hits = leaks.Where(s => s.Outcome == Outcome.TruePositive).ToList();

        var confusion = new Dictionary<GrowthPattern, IReadOnlyDictionary<GrowthPattern, int>>();
        double? patternAccuracy = null;
        if (hasPatterns)
        {
            foreach (var group in hits.Where(s => s.Run.ExpectedPattern is not null).GroupBy(s => s.Run.ExpectedPattern!.Value))
            {
                confusion[group.Key] = group.GroupBy(s => s.SettledPattern ?? GrowthPattern.Stable).ToDictionary(g => g.Key, g => g.Count());
            }

            var classified = hits.Where(s => s.Run.ExpectedPattern is not null).ToList();
            patternAccuracy = classified.Count == 0 ? null : classified.Count(s => s.SettledPattern == s.Run.ExpectedPattern) / (double)classified.Count;
        }

        var steady = hits.Where(s => s.Run.ExpectedPattern == GrowthPattern.Linear && s.RateError is not null)
            .Select(s => Math.Abs(s.RateError!.Value)).ToList();
        (double, double)? rateError = steady.Count == 0 ? null : (Quantile.Of(steady, 0.5), Quantile.Of(steady, 0.95));

        double? spearman = null;
        if (hasConfidence)
        {
            var ranked = leaks.Concat(good).ToList();
            spearman = Statistics.Spearman([.. ranked.Select(s => s.Severity)], [.. ranked.Select(s => s.Confidence)]);
        }

        return new DetectorMetrics(
            detector,
            leaks.Count,
            hits.Count,
            good.Count,
            good.Count(s => s.Outcome == Outcome.FalsePositive),
            ambiguous.Count,
            ambiguous.Count(s => s.Outcome == Outcome.AmbiguousHandled),
            Statistics.Latency(hits.Select(s => s.LatencySeconds!.Value)),
            Statistics.Latency(hits.Where(s => s.Run.Scenario == OneMegabyteScenario).Select(s => s.LatencySeconds!.Value)),
            patternAccuracy,
            confusion,
            rateError,
            spearman);
    }
}
