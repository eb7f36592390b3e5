using MemGrowth.Validation.Report;
using MemGrowth.Validation.Scoring;
using Xunit;

namespace MemGrowth.Validation.Tests.Report;

public class MarkdownReportTests
{
    private static readonly string[] Plots = ["rss-linear-1mb.png", "latency.png"];

    private static string Write(ValidationReport? report = null) => MarkdownReport.Write(report ?? ReportSamples.Small(), Plots);

    private static string[] Lines(string markdown) => markdown.Split('\n');

    [Fact]
    public void Should_follow_the_template_sections_in_order()
    {
        string md = Write();
        string[] headings =
        [
            "# Memory Growth Monitor Test Report",
            "**Date**: 2026-11-25 11:30:05 UTC",
            "**Environment**: kernel 6.1.0-28-amd64, x86_64, Intel Xeon (2 cores)",
            "**Test Duration**: 12m 34s (quick subset)",
            "**Command**: `memgrowth validate --quick --seed 7 --out report`",
            "**Seed**: 7",
            "## Executive Summary",
            "## Test Scenarios Executed",
            "## Results",
            "### Detection Accuracy",
            "### Targets",
            "### MemGrowth vs Baseline",
            "### Pattern Confusion (MemGrowth)",
            "### Threshold Sweep",
            "### Per Scenario",
            "### Plots",
            "### Performance Impact",
            "### Issues Found",
            "## Recommendations",
        ];

        int at = -1;
        foreach (string heading in headings)
        {
            int next = Array.IndexOf(Lines(md), heading, at + 1);
            Assert.True(next > at, $"'{heading}' missing or out of order in:\n{md}");
            at = next;
        }
    }

    [Fact]
    public void Should_mark_each_target_row_with_whether_it_was_met()
    {
        string[] lines = Lines(Write());

        Assert.Contains("| true-positive rate | ≥ 98 % | 50.0 % (1/2) | 100.0 % (2/2) | ✗ |", lines);
        Assert.Contains("| false-positive rate | ≤ 2 % | 0.0 % (0/1) | 100.0 % (1/1) | ✓ |", lines);
        Assert.Contains("- ✗ true-positive rate: 50.0 % (1/2) (target ≥ 98 %)", lines);
        Assert.Contains("- ✓ false-positive rate: 0.0 % (0/1) (target ≤ 2 %)", lines);
        Assert.Contains(
            "**1 of 2 targets met.** MemGrowth detected 1 of 2 leaks (50.0 %) with 0 of 1 known-good processes flagged (0.0 %), latency p50 8.50 s; " +
            "the baseline (rss-slope) detected 2 of 2 leaks (100.0 %) with 1 of 1 known-good processes flagged (100.0 %), latency p50 31.3 s.",
            lines);
    }

    [Fact]
    public void Should_set_MemGrowth_beside_the_baseline_with_na_where_a_measure_is_missing()
    {
        string[] lines = Lines(Write());

        Assert.Contains("| Measure | MemGrowth | rss-slope (baseline) |", lines);
        Assert.Contains("| True-positive rate | 50.0 % (1/2) | 100.0 % (2/2) |", lines);
        Assert.Contains("| False-positive rate | 0.0 % (0/1) | 100.0 % (1/1) |", lines);
        Assert.Contains("| Latency p50 | 8.50 s | 31.3 s |", lines);
        Assert.Contains("| Latency p50, 1 MB/s linear | 8.50 s | n/a |", lines);
        Assert.Contains("| Pattern accuracy | 100.0 % | n/a |", lines);
        Assert.Contains("| Rate error p50 | 2.1 % | n/a |", lines);
        Assert.Contains("| Rate error p95 | 4.8 % | n/a |", lines);
        Assert.Contains("| Spearman (confidence ~ severity) | 0.83 | n/a |", lines);
    }

    [Fact]
    public void Should_summarise_accuracy_as_the_template_does()
    {
        string[] lines = Lines(Write());

        Assert.Contains("- Processes Monitored: 4 (2 leaking, 1 known-good, 1 ambiguous)", lines);
        Assert.Contains("- Leaks Detected: 1 of 2 (50.0 %)", lines);
        Assert.Contains("- False Positives: 0 of 1 known-good (0.0 %)", lines);
        Assert.Contains("- Detection Latency: Avg 8.50 s (Min: 8.50 s, Max: 8.50 s); p50 8.50 s, p95 8.50 s over 1 detection", lines);
        Assert.Contains("- CPU Usage: 1.2 % of one core", lines);
        Assert.Contains("- Memory Usage: 48.3 MiB peak RSS", lines);
        Assert.Contains("- Events Generated: 12.5 samples/sec", lines);
        Assert.Contains("- Tracked Processes: 37", lines);
    }

    [Fact]
    public void Should_check_off_only_the_scenarios_that_scored_as_expected()
    {
        string[] lines = Lines(Write());

        Assert.Contains("- [x] linear-1mb (leak) — 1 process: 1 true positive", lines);
        Assert.Contains("- [ ] linear-64k (leak) — 1 process: 1 false negative", lines);
        Assert.Contains("- [x] idle (known-good) — 1 process: 1 true negative", lines);
        Assert.Contains("- [x] cache-warmup (ambiguous) — 1 process: 1 ambiguous handled", lines);
    }

    [Fact]
    public void Should_write_one_row_per_process_with_pipes_in_the_variant_escaped()
    {
        string[] lines = Lines(Write());

        Assert.Contains(
            @"| linear-1mb | rate=1.00MB/s noise=0.1MB \| seed=7 | 1001 | leak | true positive | 8.50 s | Linear | Linear | +2.1 % | 0.97 | 0.40 s | 0.20 s |",
            lines);
        Assert.Contains("| idle | rss=20MB | 1003 | known-good | true negative | n/a | n/a | n/a | n/a | 0.00 | 12.3 s | n/a |", lines);
    }

    [Fact]
    public void Should_write_the_confusion_matrix_and_the_sweep_in_threshold_order()
    {
        string md = Write();
        string[] lines = Lines(md);

        Assert.Contains("| Expected | Linear |", lines);
        Assert.Contains("| Linear | 1 |", lines);
        int low = Array.IndexOf(lines, "| 0.20 | 100.0 % | 100.0 % | 6.00 s | 6.90 s |");
        int mid = Array.IndexOf(lines, "| 0.50 | 100.0 % | 0.0 % | 9.00 s | 9.45 s |");
        int high = Array.IndexOf(lines, "| 0.90 | 50.0 % | 0.0 % | 12.0 s | 12.0 s |");
        Assert.True(low > 0 && low < mid && mid < high, md);
    }

    [Fact]
    public void Should_embed_the_plots_and_list_the_issues()
    {
        string[] lines = Lines(Write());

        Assert.Contains("![rss-linear-1mb](rss-linear-1mb.png)", lines);
        Assert.Contains("![latency](latency.png)", lines);
        Assert.Contains("- linear-64k pid 1002: leak never detected", lines);
    }

    [Fact]
    public void Should_recommend_meeting_the_missed_targets_and_chasing_the_misses()
    {
        string md = Write();
        string recommendations = md[md.IndexOf("## Recommendations", StringComparison.Ordinal)..];

        Assert.Contains("- Meet the true-positive rate target: measured 50.0 % (1/2), target ≥ 98 %.", recommendations);
        Assert.Contains("- Find out why leaks were missed in linear-64k (1).", recommendations);
        Assert.Contains("The baseline (rss-slope) detects more leaks", recommendations);
        Assert.DoesNotContain("false-positive rate target", recommendations);
    }

    [Fact]
    public void Should_say_none_when_nothing_was_found_or_missed()
    {
        ValidationReport clean = ReportSamples.Small() with
        {
            Scores = [],
            Targets = [new TargetCheck("true-positive rate", "≥ 98 %", "100.0 % (2/2)", "n/a", Met: true)],
            Baseline = ReportSamples.Small().MemGrowth with { Detector = "rss-slope" },
            Sweep = [],
            Issues = [],
        };

        string md = MarkdownReport.Write(clean, []);

        Assert.Contains("### Issues Found\n\nNone.\n", md, StringComparison.Ordinal);
        Assert.Contains("## Recommendations\n\nNone: every target was met and every process scored as expected.\n", md, StringComparison.Ordinal);
        Assert.Contains("No sweep was run.", md, StringComparison.Ordinal);
        Assert.Contains("No plots were written.", md, StringComparison.Ordinal);
        Assert.EndsWith("expected.\n", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_give_the_same_text_for_the_same_report()
    {
        Assert.Equal(Write(ReportSamples.Small()), Write(ReportSamples.Small()));
    }
}
