namespace MemGrowth.Validation.Baseline;

/// <summary>What Prometheus would store from scraping one process's RSS at a fixed interval.</summary>
internal static class Scraper
{
    /// <summary>
    /// Scrapes at <paramref name="phase"/> + k·<paramref name="interval"/> seconds within [<paramref name="start"/>,
    /// <paramref name="end"/>]. <paramref name="points"/> are change points of a step function (a value holds until
    /// the next point), so each scrape sees the last point at or before it; scrapes before the first point
    /// see nothing, as an exporter with nothing to report yet.
    /// </summary>
    public static List<ScrapedSample> Scrape(
        IReadOnlyList<(double Time, long Bytes)> points, double start, double end, TimeSpan interval, double phase)
    {
        ArgumentNullException.ThrowIfNull(points);
        var intervalMs = (long)Math.Round(interval.TotalMilliseconds);
        if (intervalMs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The scrape interval must be at least a millisecond.");
        }

        if (!double.IsFinite(phase) || !double.IsFinite(start) || !double.IsFinite(end))
        {
            throw new ArgumentException($"Scrape times need finite numbers: start {start}, end {end}, phase {phase}.");
        }

        for (var i = 1; i < points.Count; i++)
        {
            if (points[i].Time < points[i - 1].Time)
            {
                throw new ArgumentException($"The samples must be in time order: {points[i].Time} s follows {points[i - 1].Time} s.", nameof(points));
            }
        }

        var phaseMs = (long)Math.Round(phase * 1000);
        var first = phaseMs + ((long)Math.Ceiling(((start * 1000) - phaseMs) / intervalMs) * intervalMs);
        var scrapes = new List<ScrapedSample>();
        var next = 0;
        for (var ms = first; ms <= end * 1000; ms += intervalMs)
        {
            var time = ms / 1000.0;
            while (next < points.Count && points[next].Time <= time)
            {
                next++;
            }

            if (next > 0)
            {
                scrapes.Add(new ScrapedSample(ms, points[next - 1].Bytes));
            }
        }

        return scrapes;
    }
}
