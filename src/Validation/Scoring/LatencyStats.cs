namespace MemGrowth.Validation.Scoring;

/// <summary>Distribution of a set of durations in seconds; all NaN when <see cref="Count"/> is 0.</summary>
public sealed record LatencyStats(int Count, double Mean, double Min, double P50, double P95, double Max)
{
    /// <summary>
    /// One-sided 95 % lower confidence bound of the median, distribution-free: the k-th smallest value, k the
    /// largest for which fewer than k of n draws fall below the median with probability ≤ 5 % (the minimum for
    /// 5 to 7 draws). NaN with fewer than 5, where no order statistic is that sure.
    /// </summary>
    public double MedianLowerBound { get; init; } = double.NaN;

    public static LatencyStats Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}
