using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Report;

/// <summary>
/// What the report suggests doing next, derived only from what it measured: the targets missed, the
/// scenarios with wrong outcomes, and where the baseline rule did better.
/// </summary>
internal static class Recommendations
{
    public static IReadOnlyList<string> From(ValidationReport report)
    {
        var items = new List<string>();

        foreach (TargetCheck target in report.Targets.Where(t => !t.Met))
        {
            items.Add($"Meet the {target.Name} target: measured {target.Measured}, target {target.Target}.");
        }

        IReadOnlyList<ScenarioSummary> scenarios = ScenarioSummary.Of(report.Scores);
        AddWhere(items, scenarios, Outcome.FalseNegative, "Find out why leaks were missed in");
        AddWhere(items, scenarios, Outcome.FalsePositive, "Find out why known-good processes were flagged in");
        AddWhere(items, scenarios, Outcome.AmbiguousMishandled, "Check the resolve and re-flag rules against");

        DetectorMetrics ours = report.MemGrowth, baseline = report.Baseline;
        if (ours.TruePositiveRate < baseline.TruePositiveRate)
        {
            items.Add($"The baseline ({baseline.Detector}) detects more leaks: true-positive rate {ReportFormat.Percent(baseline.TruePositiveRate)} against {ReportFormat.Percent(ours.TruePositiveRate)}.");
        }

        if (ours.FalsePositiveRate > baseline.FalsePositiveRate)
        {
            items.Add($"The baseline ({baseline.Detector}) flags fewer known-good processes: false-positive rate {ReportFormat.Percent(baseline.FalsePositiveRate)} against {ReportFormat.Percent(ours.FalsePositiveRate)}.");
        }

        if (ours.Latency.P50 > baseline.Latency.P50)
        {
            items.Add($"The baseline ({baseline.Detector}) detects sooner: latency p50 {ReportFormat.Seconds(baseline.Latency.P50)} against {ReportFormat.Seconds(ours.Latency.P50)}.");
        }

        return items;
    }

    private static void AddWhere(List<string> items, IReadOnlyList<ScenarioSummary> scenarios, Outcome outcome, string lead)
    {
        var hits = scenarios
            .Select(s => (s.Name, Count: s.Count(outcome)))
            .Where(x => x.Count > 0)
            .Select(x => $"{x.Name} ({x.Count})")
            .ToList();
        if (hits.Count > 0)
        {
            items.Add($"{lead} {string.Join(", ", hits)}.");
        }
    }
}
