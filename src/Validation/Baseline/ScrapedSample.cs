namespace MemGrowth.Validation.Baseline;

/// <summary>
/// One sample Prometheus stored from a scrape: the scrape's start time in whole milliseconds (Prometheus
/// keeps no finer time) and the value the target reported then.
/// </summary>
internal readonly record struct ScrapedSample(long TimestampMs, double Value)
{
    public double Time => TimestampMs / 1000.0;
}
