using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MemGrowth.Validation.Baseline;

/// <summary>
/// The baseline MemGrowth is compared with: what operators run today. Prometheus scrapes each process's
/// RSS every 15 s and an alerting rule pages on its linear trend:
/// <code>
/// - alert: ProcessMemoryGrowing
///   expr: deriv(process_resident_memory_bytes[5m]) > 32768
///   for: 1m
/// </code>
/// <see cref="Evaluate"/> replays a process's trace through that pipeline the way Prometheus would.
/// <para>
/// The defaults are what a competent SRE would pick to catch the slowest leak the issue cares about
/// (64 KiB/s) without paging on everything:
/// 15 s scrape and evaluation intervals (Prometheus's example configuration, and the common choice);
/// a 5 m range, the conventional window, holding 20 scrapes so that allocator churn averages out;
/// a threshold of 32 KiB/s (≈ 113 MiB/h), half the slowest leak, so a steady 64 KiB/s leak clears it
/// with a factor of two once the window is mostly leak, while warm-up and heap churn stay below it;
/// and <c>for: 1m</c>, so five evaluations in a row must agree before anyone is paged.
/// </para>
/// <para>
/// What that buys, by the arithmetic of deriv (the tests pin these): a 1 MiB/s leak pages about 80 s
/// after it starts; a 64 KiB/s leak about 210 s after (11 of the window's 20 scrapes must be leak before
/// the slope passes half the rate, then the minute of <c>for</c>). The honest weakness: deriv cannot tell
/// a ramp from a step, so any one-off jump of more than about 6.5 MiB (a cache filled, a pool grown) lifts
/// the slope over the threshold for most of the 5 minutes the step spends in the window, and pages. A
/// sawtooth with the scrape interval's period is invisible: every scrape lands on the same phase of it.
/// </para>
/// </summary>
internal sealed record LinearTrendRule
{
    public static LinearTrendRule Default { get; } = new();

    /// <summary>
    /// The most eager rule 15 s scrapes allow: a 1 minute range (four scrapes) and no <c>for</c>. It pages
    /// within half a minute of a leak, and on every warm-up that outlasts two scrapes: shown beside the
    /// standard rule so the trade-off is visible, not as what operators run.
    /// </summary>
    public static LinearTrendRule Eager { get; } = new()
    {
        Name = "prometheus-deriv-eager",
        Range = TimeSpan.FromMinutes(1),
        For = TimeSpan.Zero,
    };

    /// <summary>How the baseline is named in the report.</summary>
    public string Name { get; init; } = "prometheus-deriv";

    public string Metric { get; init; } = "process_resident_memory_bytes";

    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The range of the selector deriv fits its line over.</summary>
    public TimeSpan Range { get; init; } = TimeSpan.FromMinutes(5);

    public double ThresholdBytesPerSecond { get; init; } = 32 * 1024;

    /// <summary>How long the condition must hold, evaluation after evaluation, before the alert fires.</summary>
    public TimeSpan For { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The PromQL expression, e.g. <c>deriv(process_resident_memory_bytes[5m]) > 32768</c>.</summary>
    public string Expression => string.Create(CultureInfo.InvariantCulture,
        $"deriv({Metric}[{PromDuration(Range)}]) > {ThresholdBytesPerSecond}");

    /// <summary>The Prometheus rule group this record stands for, ready to paste into a rules file.</summary>
    public string RuleText
    {
        get
        {
            var text = new StringBuilder();
            text.Append("# scrape_interval: ").Append(PromDuration(ScrapeInterval)).Append('\n');
            text.Append("groups:\n");
            text.Append("- name: memory-growth\n");
            text.Append("  interval: ").Append(PromDuration(EvaluationInterval)).Append('\n');
            text.Append("  rules:\n");
            text.Append("  - alert: ProcessMemoryGrowing\n");
            text.Append("    expr: ").Append(Expression).Append('\n');
            text.Append("    for: ").Append(PromDuration(For)).Append('\n');
            return text.ToString();
        }
    }

    /// <summary>
    /// Replays one process through scraping and rule evaluation. <paramref name="points"/> are (time s, RSS bytes)
    /// change points in time order; the process lives over [<paramref name="start"/>, <paramref name="end"/>].
    /// Prometheus spreads targets over the interval, so scrapes fall at <paramref name="scrapePhase"/> +
    /// k·<see cref="ScrapeInterval"/>; a rule group evaluates at its own offset, <paramref name="evaluationPhase"/> +
    /// k·<see cref="EvaluationInterval"/>. Each evaluation at t runs deriv over the scrapes in (t − Range, t]
    /// (left-open, as since Prometheus 3.0); the alert goes pending at the first evaluation where the expression
    /// has a result, fires once it has held for <see cref="For"/>, resolves at the first evaluation without one,
    /// and a pending alert that loses its result is dropped. Evaluations stop at the process's end: the scorer
    /// treats an exit as the end of any alert.
    /// </summary>
    public IReadOnlyList<LinearTrendFiring> Evaluate(
        IReadOnlyList<(double Time, long Bytes)> points, double start, double end, double scrapePhase, double evaluationPhase = 0)
    {
        ArgumentNullException.ThrowIfNull(points);
        var rangeMs = Milliseconds(Range, nameof(Range));
        var evaluationMs = Milliseconds(EvaluationInterval, nameof(EvaluationInterval));
        var forMs = (long)Math.Round(For.TotalMilliseconds);
        if (forMs < 0 || double.IsNaN(ThresholdBytesPerSecond))
        {
            throw new ArgumentException($"The rule needs a non-negative 'for' and a threshold: for {For}, threshold {ThresholdBytesPerSecond}.");
        }

        if (!(end >= start) || !double.IsFinite(evaluationPhase))
        {
            throw new ArgumentException($"A process lives over [start, end] with a finite evaluation phase: start {start}, end {end}, phase {evaluationPhase}.");
        }

        var scrapes = Scraper.Scrape(points, start, end, ScrapeInterval, scrapePhase);
        var samples = CollectionsMarshal.AsSpan(scrapes);
        var firings = new List<LinearTrendFiring>();
        long? activeAt = null, firedAt = null;
        double firedValue = 0;
        int from = 0, to = 0;
        var phaseMs = (long)Math.Round(evaluationPhase * 1000);
        var first = phaseMs + ((long)Math.Ceiling(((start * 1000) - phaseMs) / evaluationMs) * evaluationMs);
        for (var t = first; t <= end * 1000; t += evaluationMs)
        {
            while (to < samples.Length && samples[to].TimestampMs <= t)
            {
                to++;
            }

            while (from < to && samples[from].TimestampMs <= t - rangeMs)
            {
                from++;
            }

            var deriv = PromQl.Deriv(samples[from..to]);
            if (deriv > ThresholdBytesPerSecond)
            {
                activeAt ??= t;
                if (firedAt is null && t - activeAt >= forMs)
                {
                    firedAt = t;
                    firedValue = deriv.Value;
                }
            }
            else
            {
                if (firedAt is { } fired)
                {
                    firings.Add(new LinearTrendFiring(activeAt!.Value / 1000.0, fired / 1000.0, t / 1000.0, firedValue));
                }

                activeAt = null;
                firedAt = null;
            }
        }

        if (firedAt is { } still)
        {
            firings.Add(new LinearTrendFiring(activeAt!.Value / 1000.0, still / 1000.0, null, firedValue));
        }

        return firings;
    }

    private static long Milliseconds(TimeSpan span, string name)
    {
        var ms = (long)Math.Round(span.TotalMilliseconds);
        return ms > 0 ? ms : throw new ArgumentOutOfRangeException(name, span, $"The rule's {name} must be at least a millisecond.");
    }

    /// <summary>A duration as Prometheus writes one: 5m, 1m30s, 15s, 500ms, 0s.</summary>
    private static string PromDuration(TimeSpan span)
    {
        var ms = (long)Math.Round(span.TotalMilliseconds);
        if (ms == 0)
        {
            return "0s";
        }

        var text = new StringBuilder();
        foreach (var (unit, size) in new[] { ("h", 3_600_000L), ("m", 60_000L), ("s", 1_000L), ("ms", 1L) })
        {
            if (ms >= size)
            {
                text.Append(ms / size).Append(unit);
                ms %= size;
            }
        }

        return text.ToString();
    }
}
