using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// Numbered detections that weigh what real ones weigh, for the ingest benchmark and the delivery's tests:
/// the same stream wherever it is made, so what one measures the other checks.
/// </summary>
public static class SyntheticDetections
{
    /// <summary>Samples the first synthetic detection of a leak carries, as a real one's from the growth's start.</summary>
    public const int FirstSamples = 10;

    /// <summary>Samples each later synthetic detection carries: those since the one before.</summary>
    public const int UpdateSamples = 5;

    /// <summary>
    /// The n-th synthetic detection: leak n mod L (pid 100000 + that), its (n div L)-th report, a second after
    /// the one before; the first of each leak is its detection, the rest updates. Each carries samples as an
    /// agent's would (<see cref="FirstSamples"/>, then <see cref="UpdateSamples"/>, 200 ms apart, ending at
    /// its time), of a process growing 1 MiB/s from 200 MiB (sizes of one width, so records of one leak weigh
    /// the same), so what is ingested weighs what real detections weigh.
    /// </summary>
    public static Detection Of(int n, int leaks, string host)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leaks, 1);
        var leak = n % leaks;
        var report = n / leaks;
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var time = start.AddHours(1).AddSeconds(report);
        var growthStarted = start.AddHours(1).AddMilliseconds(-200 * (FirstSamples - 1));
        var samples = new MemorySamples(Enumerable.Range(0, report == 0 ? FirstSamples : UpdateSamples).Reverse().Select(k =>
        {
            var at = time.AddMilliseconds(-200 * k);
            var rss = (200L << 20) + (long)((at - growthStarted).TotalSeconds * (1 << 20));
            return new MemorySample(at, rss, rss - (10L << 20), 10L << 20, 0);
        }));
        return new Detection(
            report == 0 ? DetectionKind.GrowthDetected : DetectionKind.GrowthUpdated,
            time,
            new DetectedProcess(host, new ProcessKey(100_000 + leak, (ulong)leak + 1), start, "bench", "/usr/bin/bench --leak " + leak, "/bench.slice", null, start),
            new GrowthVerdict(GrowthPattern.Linear, 1 << 20, 0.8, growthStarted),
            new MemoryUsage(samples[^1].RssBytes, samples[^1].AnonBytes, 10L << 20, 0, 0),
            new MemoryLimit(1L << 30, 900),
            samples);
    }
}
