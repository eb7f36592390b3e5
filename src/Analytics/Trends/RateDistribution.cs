using MemGrowth.Shared.Statistics;

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
            : new RateDistribution(sorted.Count, Quantile.Of(sorted, 0.5), Quantile.Of(sorted, 0.9), sorted[^1]);
    }
}
