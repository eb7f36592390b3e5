using MemGrowth.Shared.Growth;

namespace MemGrowth.Validation.Scoring;

/// <summary>
/// One detector's accuracy over the corpus, computed as the methodology defines it. MemGrowth and the
/// baseline rule are both described by one of these, so the report can set them side by side.
/// </summary>
/// <param name="Detector">"MemGrowth" or the baseline rule's name.</param>
/// <param name="Leaks">Labelled leaking processes.</param>
/// <param name="Detected">Leaks detected while they grew (true positives).</param>
/// <param name="Good">Labelled known-good processes.</param>
/// <param name="FalsePositives">Known-good processes detected.</param>
/// <param name="Ambiguous">Ambiguous processes.</param>
/// <param name="AmbiguousHandled">Ambiguous processes not detected, or resolved in time and not flagged again.</param>
/// <param name="Latency">Leak start to first detection, over true positives.</param>
/// <param name="Latency1MB">The same for the 1 MB/s linear leaks only.</param>
/// <param name="PatternAccuracy">Share of true positives whose settled pattern is the expected one; null when the detector has no patterns.</param>
/// <param name="Confusion">Expected pattern → settled pattern → count, over true positives.</param>
/// <param name="RateError">Absolute relative rate error over steady (linear) leaks: P50 and P95 (as a share, 0.03 = 3 %); null when none.</param>
/// <param name="Spearman">Rank correlation of confidence with severity over all leak and good processes; null when the detector has no confidence.</param>
public sealed record DetectorMetrics(
    string Detector,
    int Leaks,
    int Detected,
    int Good,
    int FalsePositives,
    int Ambiguous,
    int AmbiguousHandled,
    LatencyStats Latency,
    LatencyStats Latency1MB,
    double? PatternAccuracy,
    IReadOnlyDictionary<GrowthPattern, IReadOnlyDictionary<GrowthPattern, int>> Confusion,
    (double P50, double P95)? RateError,
    double? Spearman)
{
    public double TruePositiveRate => Leaks == 0 ? double.NaN : Detected / (double)Leaks;

    public double FalsePositiveRate => Good == 0 ? double.NaN : FalsePositives / (double)Good;
}
