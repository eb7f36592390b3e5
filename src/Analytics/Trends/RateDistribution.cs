namespace MemGrowth.Analytics.Trends;

/// <summary>The spread of growth rates (bytes/s): median, 90th percentile and maximum; null when there is none.</summary>
public sealed record RateDistribution(int Count, double? P50, double? P90, double? Max)
{
    /// <summary>The distribution of <paramref name="sorted"/> (lowest first).</summary>
    public static RateDistribution Of(IReadOnlyList<double> sorted)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        return sorted.Count == 0
            ? new RateDistribution(0, null, null, null)
            : new RateDistribution(sorted.Count, Quantile(sorted, 0.5), Quantile(sorted, 0.9), sorted[^1]);
    }

    /// <summary>
    /// The <paramref name="q"/> quantile of sorted values, interpolated between the two nearest ranks (so the
    /// median of an even count is the mean of the two middle values).
    /// </summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1);
        var rank = q * (sorted.Count - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((rank - below) * (sorted[above] - sorted[below]));
    }
}
