using System.Globalization;
using System.Text;
using MemGrowth.Shared.Growth;
using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Scoring;
using static MemGrowth.Validation.Report.ReportFormat;

namespace MemGrowth.Validation.Report;

/// <summary>
/// The methodology's test report ("Reporting Template") in Markdown, filled from a <see cref="ValidationReport"/>.
/// Pure: the same report and plot list always give the same text.
/// </summary>
internal static class MarkdownReport
{
    public const string Title = "# Memory Growth Monitor Test Report";

    /// <param name="plotFiles">Image files to embed, relative to where the Markdown is written.</param>
    public static string Write(ValidationReport report, IReadOnlyList<string> plotFiles)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(plotFiles);

        var md = new StringBuilder();
        WriteHeader(md, report);
        WriteSummary(md, report);
        WriteScenarios(md, report);

        md.Append("## Results\n\n");
        WriteAccuracy(md, report);
        MarkdownTables.WriteTargets(md, report.Targets);
        MarkdownTables.WriteComparison(md, report.MemGrowth, report.Baseline, report.OtherBaselines, report.BaselineRules);
        MarkdownTables.WriteConfusion(md, report.MemGrowth);
        MarkdownTables.WriteSweep(md, report.Sweep);
        MarkdownTables.WriteProcesses(md, report.Scores);
        WritePlots(md, plotFiles);
        WritePerformance(md, report.Performance);
        WriteIssues(md, report.Issues);
        WriteRecommendations(md, report);

        return md.ToString().TrimEnd('\n') + "\n";
    }

    private static void WriteHeader(StringBuilder md, ValidationReport report)
    {
        string date = report.Date.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";
        string duration = Duration(report.Duration) + (report.Quick ? " (quick subset)" : " (full corpus)");

        md.Append(Title).Append("\n\n");
        md.Append("**Date**: ").Append(date).Append("\n\n");
        md.Append("**Environment**: kernel ").Append(report.Kernel).Append(", ").Append(report.Architecture)
            .Append(", ").Append(report.Machine).Append("\n\n");
        md.Append("**Test Duration**: ").Append(duration).Append("\n\n");
        md.Append("**Command**: ").Append(Code(report.Command)).Append("\n\n");
        md.Append("**Seed**: ").Append(report.Seed.ToString(CultureInfo.InvariantCulture)).Append("\n\n");
    }

    private static void WriteSummary(StringBuilder md, ValidationReport report)
    {
        md.Append("## Executive Summary\n\n");

        int met = report.Targets.Count(t => t.Met);
        md.Append(report.Targets.Count == 0
            ? "**No targets were checked.** "
            : $"**{met} of {report.Targets.Count} targets met.** ");
        md.Append(Headline(report.MemGrowth, report.MemGrowth.Detector)).Append("; ")
            .Append(Headline(report.Baseline, $"the baseline ({report.Baseline.Detector})")).Append(".\n\n");

        foreach (TargetCheck target in report.Targets)
        {
            md.Append("- ").Append(Mark(target.Met)).Append(' ').Append(target.Name).Append(": ")
                .Append(target.Measured).Append(" (target ").Append(target.Target).Append(")\n");
        }

        if (report.Targets.Count > 0)
        {
            md.Append('\n');
        }
    }

    private static string Headline(DetectorMetrics m, string who) =>
        $"{who} detected {m.Detected} of {m.Leaks} leaks ({Percent(m.TruePositiveRate)}) " +
        $"with {m.FalsePositives} of {m.Good} known-good processes flagged ({Percent(m.FalsePositiveRate)}), " +
        $"latency p50 {Seconds(m.Latency.P50)}";

    private static void WriteScenarios(StringBuilder md, ValidationReport report)
    {
        md.Append("## Test Scenarios Executed\n\n");
        IReadOnlyList<ScenarioSummary> scenarios = ScenarioSummary.Of(report.Scores);
        if (scenarios.Count == 0)
        {
            md.Append("No scenario was run.\n\n");
            return;
        }

        md.Append("Checked: every process of the scenario scored as expected; unchecked: at least one did not.\n\n");
        foreach (ScenarioSummary scenario in scenarios)
        {
            string processes = scenario.Scores.Count == 1 ? "1 process" : $"{scenario.Scores.Count} processes";
            md.Append(scenario.AllAsExpected ? "- [x] " : "- [ ] ").Append(scenario.Name).Append(" (")
                .Append(Expectations(scenario)).Append(") — ").Append(processes).Append(": ")
                .Append(scenario.OutcomeCounts()).Append('\n');
        }

        md.Append('\n');
    }

    private static string Expectations(ScenarioSummary scenario) =>
        string.Join(", ", scenario.Scores.Select(s => ExpectationText(s.Run.Expect)).Distinct());

    private static void WriteAccuracy(StringBuilder md, ValidationReport report)
    {
        DetectorMetrics m = report.MemGrowth;
        int leaks = report.Scores.Count(s => s.Run.Expect == Expectation.Leak);
        int good = report.Scores.Count(s => s.Run.Expect == Expectation.Good);
        int ambiguous = report.Scores.Count(s => s.Run.Expect == Expectation.Ambiguous);

        md.Append("### Detection Accuracy\n\n");
        md.Append($"- Processes Monitored: {report.Scores.Count} ({leaks} leaking, {good} known-good, {ambiguous} ambiguous)\n");
        md.Append($"- Leaks Detected: {m.Detected} of {m.Leaks} ({Percent(m.TruePositiveRate)})\n");
        md.Append($"- False Positives: {m.FalsePositives} of {m.Good} known-good ({Percent(m.FalsePositiveRate)})\n");
        md.Append($"- Ambiguous Handled: {m.AmbiguousHandled} of {m.Ambiguous}\n");
        md.Append("- Detection Latency: ").Append(LatencyLine(m.Latency, withRange: true)).Append('\n');
        md.Append("- Detection Latency, 1 MB/s linear leaks: ").Append(LatencyLine(m.Latency1MB, withRange: false)).Append("\n\n");
    }

    private static string LatencyLine(LatencyStats s, bool withRange)
    {
        if (s.Count == 0)
        {
            return "n/a (no detection)";
        }

        string range = withRange ? $"Avg {Seconds(s.Mean)} (Min: {Seconds(s.Min)}, Max: {Seconds(s.Max)}); " : "";
        string over = s.Count == 1 ? "1 detection" : $"{s.Count} detections";
        return $"{range}p50 {Seconds(s.P50)}, p95 {Seconds(s.P95)} over {over}";
    }

    private static void WritePlots(StringBuilder md, IReadOnlyList<string> plotFiles)
    {
        md.Append("### Plots\n\n");
        if (plotFiles.Count == 0)
        {
            md.Append("No plots were written.\n\n");
            return;
        }

        foreach (string file in plotFiles)
        {
            string link = file.Replace('\\', '/').Replace(" ", "%20", StringComparison.Ordinal);
            md.Append("![").Append(Path.GetFileNameWithoutExtension(file)).Append("](").Append(link).Append(")\n\n");
        }
    }

    private static void WritePerformance(StringBuilder md, PerformanceImpact p)
    {
        md.Append("### Performance Impact\n\n");
        md.Append("- CPU Usage: ").Append(Number(p.AgentCpuPercent, 1)).Append(" % of one core\n");
        md.Append("- Memory Usage: ").Append(Number(p.AgentPeakRssMiB, 1)).Append(" MiB peak RSS\n");
        md.Append("- Events Generated: ").Append(Number(p.SamplesPerSecond, 1)).Append(" samples/sec\n");
        md.Append("- Tracked Processes: ").Append(p.TrackedProcesses.ToString(CultureInfo.InvariantCulture)).Append("\n\n");
    }

    private static void WriteIssues(StringBuilder md, IReadOnlyList<string> issues)
    {
        md.Append("### Issues Found\n\n");
        WriteList(md, issues, "None.");
    }

    private static void WriteRecommendations(StringBuilder md, ValidationReport report)
    {
        md.Append("## Recommendations\n\n");
        WriteList(md, Recommendations.From(report), "None: every target was met and every process scored as expected.");
    }

    private static void WriteList(StringBuilder md, IReadOnlyList<string> items, string whenEmpty)
    {
        if (items.Count == 0)
        {
            md.Append(whenEmpty).Append("\n\n");
            return;
        }

        foreach (string item in items)
        {
            md.Append("- ").Append(item.ReplaceLineEndings(" ")).Append('\n');
        }

        md.Append('\n');
    }

    internal static string Mark(bool met) => met ? "✓" : "✗";

    internal static string ExpectationText(Expectation expect) => expect switch
    {
        Expectation.Leak => "leak",
        Expectation.Good => "known-good",
        Expectation.Ambiguous => "ambiguous",
        _ => expect.ToString(),
    };

    internal static string PatternText(GrowthPattern? pattern) => pattern?.ToString() ?? NotAvailable;

    /// <summary>Inline code that survives backticks in the text.</summary>
    private static string Code(string text)
    {
        string fence = text.Contains('`', StringComparison.Ordinal) ? "``" : "`";
        string pad = fence.Length > 1 ? " " : "";
        return fence + pad + text.ReplaceLineEndings(" ") + pad + fence;
    }
}
