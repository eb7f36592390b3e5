using System.Globalization;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Scoring;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace MemGrowth.Validation.Report;

/// <summary>The report's figures as PNG files: RSS per scenario, detection latency, confidence against severity, and the threshold sweep.</summary>
internal static class Plots
{
    public const int Width = 900;
    public const int Height = 500;

    private static readonly Color Detected = Color.FromHex("#d62728");
    private static readonly Color Resolved = Color.FromHex("#2ca02c");
    private static readonly Color LeakStart = Color.FromHex("#000000");

    /// <summary>Writes every plot into <paramref name="directory"/> (created if missing) and returns their file names, relative to it.</summary>
    public static IReadOnlyList<string> WriteAll(ValidationReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);

        var written = new List<string>();
        var taken = new HashSet<string>(StringComparer.Ordinal) { "latency.png", "confidence-severity.png", "threshold-sweep.png" };
        foreach (ScenarioSummary scenario in ScenarioSummary.Of(report.Scores))
        {
            written.Add(Save(Rss(scenario), directory, PlotData.RssFileName(scenario.Name, taken)));
        }

        written.Add(Save(Latency(report), directory, "latency.png"));
        written.Add(Save(ConfidenceSeverity(report.Scores), directory, "confidence-severity.png"));
        written.Add(Save(Sweep(report.Sweep), directory, "threshold-sweep.png"));
        return written;
    }

    private static string Save(Plot plot, string directory, string name)
    {
        PlotFont.Apply(plot);
        plot.SavePng(Path.Combine(directory, name), Width, Height);
        return name;
    }

    private static Plot Rss(ScenarioSummary scenario)
    {
        var plot = new Plot();
        plot.Title($"RSS: {scenario.Name}");
        plot.XLabel("seconds since launch");
        plot.YLabel("RSS (MiB)");

        IPalette palette = new ScottPlot.Palettes.Category10();
        bool detectedShown = false, resolvedShown = false, startShown = false;
        for (int i = 0; i < scenario.Scores.Count; i++)
        {
            SubjectRun run = scenario.Scores[i].Run;
            (double[] seconds, double[] mib) = PlotData.Rss(run);
            var line = plot.Add.ScatterLine(seconds, mib, palette.GetColor(i));
            line.LineWidth = 2;
            line.LegendText = $"pid {run.Pid} ({MarkdownReport.ExpectationText(run.Expect)}, {ScenarioSummary.OutcomeText(scenario.Scores[i].Outcome)})";

            foreach (double t in PlotData.ReportTimes(run, DetectionKind.GrowthDetected))
            {
                AddEvent(plot, t, Detected, detectedShown ? null : "growth_detected");
                detectedShown = true;
            }

            foreach (double t in PlotData.ReportTimes(run, DetectionKind.GrowthResolved))
            {
                AddEvent(plot, t, Resolved, resolvedShown ? null : "growth_resolved");
                resolvedShown = true;
            }

            if (run.LeakStart is double start && PlotData.RssMiBAt(run, start) is double rssAtStart)
            {
                var marker = plot.Add.Marker(start - run.Launched, rssAtStart, MarkerShape.FilledTriangleUp, 12, LeakStart);
                marker.LegendText = startShown ? "" : "leak start";
                startShown = true;
            }
        }

        // Outside the data area: a scenario may have many processes, and the legend must not hide their lines.
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static void AddEvent(Plot plot, double seconds, Color color, string? legend)
    {
        var line = plot.Add.VerticalLine(seconds, 1.5f, color, LinePattern.Dashed);
        line.LegendText = legend ?? "";
    }

    private static Plot Latency(ValidationReport report)
    {
        var plot = new Plot();
        plot.Title("Detection latency (leak start to growth_detected)");
        plot.XLabel("seconds");
        plot.YLabel("leaks");

        double[] latencies = report.Scores
            .Where(s => s.Outcome == Outcome.TruePositive && s.LatencySeconds is not null)
            .Select(s => s.LatencySeconds!.Value)
            .ToArray();
        (double binStart, double width, int[] counts) = PlotData.Histogram(latencies, 15);
        var bars = new List<Bar>();
        for (int i = 0; i < counts.Length; i++)
        {
            bars.Add(new Bar
            {
                Position = binStart + ((i + 0.5) * width),
                Value = counts[i],
                Size = width * 0.95,
                FillColor = Color.FromHex("#1f77b4"),
                LineWidth = 0,
            });
        }

        var histogram = plot.Add.Bars(bars);
        histogram.LegendText = $"{report.MemGrowth.Detector} (n = {latencies.Length})";

        AddQuantiles(plot, report.MemGrowth, Color.FromHex("#1f77b4"));
        AddQuantiles(plot, report.Baseline, Color.FromHex("#ff7f0e"));
        plot.Axes.Left.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Margins(bottom: 0);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static void AddQuantiles(Plot plot, DetectorMetrics metrics, Color color)
    {
        // Per-process latencies exist only for MemGrowth; both detectors have their p50 and p95.
        if (metrics.Latency.Count == 0)
        {
            return;
        }

        var p50 = plot.Add.VerticalLine(metrics.Latency.P50, 2, color, LinePattern.Solid);
        p50.LegendText = $"{metrics.Detector} p50 {ReportFormat.Seconds(metrics.Latency.P50)}";
        var p95 = plot.Add.VerticalLine(metrics.Latency.P95, 2, color, LinePattern.Dotted);
        p95.LegendText = $"{metrics.Detector} p95 {ReportFormat.Seconds(metrics.Latency.P95)}";
    }

    private static Plot ConfidenceSeverity(IReadOnlyList<SubjectScore> scores)
    {
        var plot = new Plot();
        plot.Title("Confidence against severity");
        plot.XLabel("severity (MiB/s, log scale; non-leaking processes at 1 KiB/s)");
        plot.YLabel("highest confidence reported");

        foreach ((Expectation expect, Color color) in (ReadOnlySpan<(Expectation, Color)>)[
            (Expectation.Leak, Color.FromHex("#d62728")),
            (Expectation.Good, Color.FromHex("#2ca02c")),
            (Expectation.Ambiguous, Color.FromHex("#ff7f0e"))])
        {
            SubjectScore[] group = scores.Where(s => s.Run.Expect == expect).ToArray();
            if (group.Length == 0)
            {
                continue;
            }

            var points = plot.Add.ScatterPoints(
                group.Select(s => PlotData.SeverityLog10(s.Severity)).ToArray(),
                group.Select(s => s.Confidence).ToArray(),
                color);
            points.MarkerSize = 9;
            points.LegendText = $"{MarkdownReport.ExpectationText(expect)} ({group.Length})";
        }

        plot.Axes.Bottom.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = x => Math.Pow(10, x).ToString("G4", CultureInfo.InvariantCulture),
        };
        plot.Axes.SetLimitsY(-0.05, 1.05);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot Sweep(IReadOnlyList<SweepPoint> sweep)
    {
        var plot = new Plot();
        plot.Title("Threshold sweep (replayed traces)");
        plot.XLabel("confidence threshold");
        plot.YLabel("rate (%)");

        SweepPoint[] points = sweep.OrderBy(p => p.Threshold).ToArray();
        double[] thresholds = points.Select(p => p.Threshold).ToArray();
        var tpr = plot.Add.Scatter(thresholds, points.Select(p => p.TruePositiveRate * 100).ToArray(), Color.FromHex("#1f77b4"));
        tpr.LegendText = "true-positive rate";
        tpr.LineWidth = 2;
        var fpr = plot.Add.Scatter(thresholds, points.Select(p => p.FalsePositiveRate * 100).ToArray(), Color.FromHex("#d62728"));
        fpr.LegendText = "false-positive rate";
        fpr.LineWidth = 2;

        plot.Axes.SetLimitsY(-2, 102);
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
