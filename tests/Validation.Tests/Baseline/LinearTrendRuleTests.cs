using MemGrowth.Validation.Baseline;
using Xunit;

namespace MemGrowth.Validation.Tests.Baseline;

public class LinearTrendRuleTests
{
    private const long MiB = 1 << 20;
    private const long Base = 100 * MiB;

    private static readonly LinearTrendRule Rule = LinearTrendRule.Default;

    [Fact]
    public void The_defaults_stand_for_a_deriv_rule_over_5m_at_32_KiB_per_second_held_for_a_minute()
    {
        Assert.Equal("deriv(process_resident_memory_bytes[5m]) > 32768", Rule.Expression);
        Assert.Contains("    expr: deriv(process_resident_memory_bytes[5m]) > 32768\n    for: 1m\n", Rule.RuleText, StringComparison.Ordinal);
        Assert.Contains("interval: 15s\n", Rule.RuleText, StringComparison.Ordinal);
        Assert.Contains("# scrape_interval: 15s\n", Rule.RuleText, StringComparison.Ordinal);
        Assert.Contains("for: 1m30s\n", (Rule with { For = TimeSpan.FromSeconds(90) }).RuleText, StringComparison.Ordinal);
    }

    [Fact]
    public void A_1_MiB_per_second_leak_fires_a_minute_after_the_slope_first_passes_the_threshold()
    {
        // Flat, then 1 MiB/s from t = 100. The scrape at 105 sees +5 MiB, but over 8 scrapes that is a slope of
        // 5 MiB · 52.5 / 9450 ≈ 29 KiB/s, below the threshold. At 120 (+5 and +20 MiB over 9 scrapes) it passes:
        // pending at 120, firing at 180, when 13 scrapes give a slope of 17325/40950 MiB/s.
        var firing = Assert.Single(Rule.Evaluate(Ramp(leakStart: 100, MiB, end: 600), 0, 600, scrapePhase: 0));

        Assert.Equal(120, firing.PendingSince, 9);
        Assert.Equal(180, firing.Start, 9);
        Assert.Null(firing.End);
        Assert.Equal(17325.0 / 40950 * MiB, firing.BytesPerSecond, 3);
    }

    [Fact]
    public void A_64_KiB_per_second_leak_pages_only_once_most_of_the_window_is_leak()
    {
        // After 10 flat minutes the window holds 20 scrapes; with m of them on the ramp the slope is
        // rate · (m(m−1)(2m−1)/6 + (10.5 − m)·m(m−1)/2) / 665: 0.46 of the rate at m = 10, 0.54 at m = 11.
        // The 11th leak scrape is 150 s in: pending at 750, firing at 810 (m = 15, 542.5/665 of the rate).
        var firing = Assert.Single(Rule.Evaluate(Ramp(leakStart: 600, 64 * 1024, end: 1500), 0, 1500, scrapePhase: 0));

        Assert.Equal(750, firing.PendingSince, 9);
        Assert.Equal(810, firing.Start, 9);
        Assert.Equal(65536 * 542.5 / 665, firing.BytesPerSecond, 3);
    }

    [Fact]
    public void A_flat_process_never_fires()
    {
        (double, long)[] flat = [.. Enumerable.Range(0, 1801).Select(t => ((double)t, Base))];

        foreach (var phase in new[] { 0, 4.2, 14.999 })
        {
            Assert.Empty(Rule.Evaluate(flat, 0, 1800, phase, evaluationPhase: 3));
        }
    }

    [Theory]
    // Scrapes on the evaluation grid: the step is first scraped at 405 and leaves the left-open window (390, 690] at 690.
    [InlineData(0, 0, 405, 465, 690)]
    // Evaluations 7.5 s after the scrapes: everything shifts by 7.5 s.
    [InlineData(0, 7.5, 412.5, 472.5, 697.5)]
    // Scrapes 5 s after the evaluations: first scraped at 410, seen at 420; the window is all step from (405, 705].
    [InlineData(5, 0, 420, 480, 705)]
    public void A_single_50_MiB_step_pages_for_as_long_as_it_sits_inside_the_window(double scrapePhase, double evaluationPhase, double pending, double start, double end)
    {
        // deriv cannot tell a step from a ramp. With m of 20 scrapes after a step S the slope is S·m(20−m)/19950,
        // 48 KiB/s already at m = 1 for 50 MiB: the baseline's honest weakness, a one-off step pages for ~4 minutes.
        var firing = Assert.Single(Rule.Evaluate(Step(at: 400, 50 * MiB, end: 1200), 0, 1200, scrapePhase, evaluationPhase));

        Assert.Equal(pending, firing.PendingSince, 9);
        Assert.Equal(start, firing.Start, 9);
        Assert.Equal(end, firing.End!.Value, 9);
        Assert.Equal(50.0 * MiB * 75 / 19950, firing.BytesPerSecond, 3); // m = 5 when it fires
    }

    [Fact]
    public void Steps_above_about_6_5_MiB_page_and_smaller_ones_do_not()
    {
        // Firing needs five evaluations in a row above the threshold; the best run is m = 8..12, where m(20−m) ≥ 96.
        // So a full window pages on any step S with S · 96 / 19950 > 32 KiB/s, S > 6.5 MiB.
        Assert.Empty(Rule.Evaluate(Step(at: 400, 6 * MiB, end: 1200), 0, 1200, scrapePhase: 0));
        var firing = Assert.Single(Rule.Evaluate(Step(at: 400, 7 * MiB, end: 1200), 0, 1200, scrapePhase: 0));
        Assert.Equal(405 + (6 * 15), firing.PendingSince, 9); // m = 7: 7 · 13 = 91 > 89.1
    }

    [Fact]
    public void Each_step_is_its_own_firing_once_the_previous_one_resolved()
    {
        var points = Step(at: 400, 50 * MiB, end: 2000).Select(p => (p.Time, p.Bytes + (p.Time >= 1400 ? 50 * MiB : 0))).ToList();

        var firings = Rule.Evaluate(points, 0, 2000, scrapePhase: 0);

        Assert.Equal([465.0, 1470.0], firings.Select(f => f.Start));
        Assert.All(firings, f => Assert.NotNull(f.End));
    }

    [Fact]
    public void A_sawtooth_with_the_scrape_period_is_invisible_at_any_phase()
    {
        // Teeth of 20 MiB every 15 s: the memory rises at 1.33 MiB/s for most of each period, yet every scrape
        // lands on the same point of a tooth, so the scraped series is constant and deriv is exactly 0.
        var saw = Enumerable.Range(0, 2401).Select(k => (k * 0.5, Base + (k % 30 * (20 * MiB / 30)))).ToList();

        foreach (var phase in new[] { 0, 3.7, 7.5, 14.9 })
        {
            Assert.Empty(Rule.Evaluate(saw, 0, 1200, phase));
        }
    }

    [Fact]
    public void A_process_shorter_than_for_never_fires_and_nothing_is_evaluated_after_its_end()
    {
        // Pending from the second scrape at 15 s; firing would need an evaluation at 75 s.
        Assert.Empty(Rule.Evaluate(Ramp(leakStart: 0, MiB, end: 60), 0, 60, scrapePhase: 0));
        Assert.Single(Rule.Evaluate(Ramp(leakStart: 0, MiB, end: 75), 0, 75, scrapePhase: 0));
    }

    [Fact]
    public void Without_for_the_alert_fires_at_the_first_evaluation_that_holds()
    {
        var firing = Assert.Single((Rule with { For = TimeSpan.Zero }).Evaluate(Ramp(leakStart: 100, MiB, end: 600), 0, 600, 0));

        Assert.Equal(120, firing.Start, 9);
    }

    [Fact]
    public void Samples_out_of_time_order_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Rule.Evaluate([(10, Base), (5, Base)], 0, 60, 0));
    }

    /// <summary>Flat at <see cref="Base"/>, then growing <paramref name="rate"/> bytes/s from <paramref name="leakStart"/>, a change point each second.</summary>
    private static List<(double Time, long Bytes)> Ramp(int leakStart, long rate, int end) =>
        [.. Enumerable.Range(0, end + 1).Select(t => ((double)t, Base + (Math.Max(0, t - leakStart) * rate)))];

    private static List<(double Time, long Bytes)> Step(int at, long size, int end) =>
        [.. Enumerable.Range(0, end + 1).Select(t => ((double)t, Base + (t >= at ? size : 0)))];
}
