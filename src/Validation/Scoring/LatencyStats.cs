namespace MemGrowth.Validation.Scoring;

/// <summary>Distribution of a set of durations in seconds; all NaN when <see cref="Count"/> is 0.</summary>
public sealed record LatencyStats(int Count, double Mean, double Min, double P50, double P95, double Max)
{
    public static LatencyStats Empty { get; } = new(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}
