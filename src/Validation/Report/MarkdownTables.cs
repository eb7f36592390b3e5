using System.Text;
using MemGrowth.Shared.Growth;
using MemGrowth.Validation.Scoring;
using static MemGrowth.Validation.Report.ReportFormat;

namespace MemGrowth.Validation.Report;

/// <summary>The tables of the report's Results section.</summary>
internal static class MarkdownTables
{
    public static void WriteTargets(StringBuilder md, IReadOnlyList<TargetCheck> targets)
    {
        md.Append("### Targets\n\n");
        if (targets.Count == 0)
        {
            md.Append("No targets were checked.\n\n");
            return;
        }

        md.Append(Header("Target", "Goal", "Measured", "Baseline", "Met")).Append('\n');
        foreach (TargetCheck t in targets)
        {
            md.Append(Row(t.Name, t.Target, t.Measured, t.Baseline, MarkdownReport.Mark(t.Met))).Append('\n');
        }

        md.Append('\n');
    }

    public static void WriteComparison(
        StringBuilder md, DetectorMetrics ours, DetectorMetrics baseline,
        IReadOnlyList<DetectorMetrics>? others = null, IReadOnlyDictionary<string, string>? rules = null)
    {
        md.Append("### MemGrowth vs Baseline\n\n");
        DetectorMetrics[] columns = [ours, baseline, .. others ?? []];
        md.Append(Header(["Measure", ours.Detector, $"{baseline.Detector} (baseline)", .. (others ?? []).Select(o => o.Detector)])).Append('\n');

        void Line(string measure, Func<DetectorMetrics, string> value) =>
            md.Append(Row([measure, .. columns.Select(value)])).Append('\n');

        Line("True-positive rate", m => Percent(m.Detected, m.Leaks));
        Line("False-positive rate", m => Percent(m.FalsePositives, m.Good));
        Line("Ambiguous handled", m => Percent(m.AmbiguousHandled, m.Ambiguous));
        Line("Latency p50", m => Seconds(m.Latency.P50));
        Line("Latency p95", m => Seconds(m.Latency.P95));
        Line("Latency p50, 1 MB/s linear", m => Seconds(m.Latency1MB.P50));
        Line("Latency p95, 1 MB/s linear", m => Seconds(m.Latency1MB.P95));
        Line("Pattern accuracy", m => Percent(m.PatternAccuracy));
        Line("Rate error p50", m => Percent(m.RateError?.P50));
        Line("Rate error p95", m => Percent(m.RateError?.P95));
        Line("Spearman (confidence ~ severity)", m => Number(m.Spearman, 2));
        md.Append('\n');
        if (rules is { Count: > 0 })
        {
            md.Append("The baseline rules, evaluated on the same traces as Prometheus would scrape and evaluate them:\n\n");
            foreach (var (name, text) in rules.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                md.Append("`").Append(name).Append("`:\n\n```yaml\n").Append(text).Append("```\n\n");
            }
        }
    }

    public static void WriteConfusion(StringBuilder md, DetectorMetrics metrics)
    {
        md.Append("### Pattern Confusion (").Append(metrics.Detector).Append(")\n\n");
        var expected = metrics.Confusion.Keys.Order().ToList();
        var settled = metrics.Confusion.Values.SelectMany(row => row.Keys).Distinct().Order().ToList();
        if (expected.Count == 0 || settled.Count == 0)
        {
            md.Append("No detected leak to classify.\n\n");
            return;
        }

        md.Append("Rows: expected pattern; columns: settled pattern (the last one reported while the leak grew).\n\n");
        md.Append(Header(["Expected", .. settled.Select(p => p.ToString())])).Append('\n');
        foreach (GrowthPattern row in expected)
        {
            IReadOnlyDictionary<GrowthPattern, int> counts = metrics.Confusion[row];
            md.Append(Row([row.ToString(), .. settled.Select(col => Cell(counts, col))])).Append('\n');
        }

        md.Append('\n');
    }

    private static string Cell(IReadOnlyDictionary<GrowthPattern, int> counts, GrowthPattern column) =>
        counts.TryGetValue(column, out int n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0";

    public static void WriteSweep(StringBuilder md, IReadOnlyList<SweepPoint> sweep)
    {
        md.Append("### Threshold Sweep\n\n");
        if (sweep.Count == 0)
        {
            md.Append("No sweep was run.\n\n");
            return;
        }

        md.Append(Header("Threshold", "TPR", "FPR", "Latency p50", "Latency p95")).Append('\n');
        foreach (SweepPoint p in sweep.OrderBy(p => p.Threshold))
        {
            md.Append(Row(Number(p.Threshold, 2), Percent(p.TruePositiveRate), Percent(p.FalsePositiveRate),
                Seconds(p.Latency.P50), Seconds(p.Latency.P95))).Append('\n');
        }

        md.Append('\n');
    }

    public static void WriteProcesses(StringBuilder md, IReadOnlyList<SubjectScore> scores)
    {
        md.Append("### Per Scenario\n\n");
        if (scores.Count == 0)
        {
            md.Append("No process was scored.\n\n");
            return;
        }

        md.Append(Header("Scenario", "Variant", "PID", "Expectation", "Outcome", "Latency", "Pattern at detection",
            "Settled pattern", "Rate error", "Confidence", "Track", "Cleanup")).Append('\n');
        foreach (ScenarioSummary scenario in ScenarioSummary.Of(scores))
        {
            foreach (SubjectScore s in scenario.Scores)
            {
                md.Append(Row(
                    s.Run.Scenario,
                    s.Run.Variant,
                    s.Run.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    MarkdownReport.ExpectationText(s.Run.Expect),
                    ScenarioSummary.OutcomeText(s.Outcome),
                    Seconds(s.LatencySeconds),
                    MarkdownReport.PatternText(s.PatternAtDetection),
                    MarkdownReport.PatternText(s.SettledPattern),
                    SignedPercent(s.RateError),
                    Number(s.Confidence, 2),
                    Seconds(s.TrackSeconds),
                    Seconds(s.CleanupSeconds))).Append('\n');
            }
        }

        md.Append('\n');
    }
}
