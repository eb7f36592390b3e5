namespace MemGrowth.Shared.Statistics;

/// <summary>
/// The one quantile definition every report uses (the validator's scores, the trends' rate spread, the
/// benchmarks' latencies), so that a p95 means the same number wherever it is printed.
/// </summary>
public static class Quantile
{
    /// <summary>
    /// The <paramref name="q"/> quantile (0–1) of <paramref name="values"/>, interpolating linearly between the
    /// two nearest order statistics: Hyndman and Fan's type 7, the default of R, numpy and Excel's
    /// PERCENTILE.INC. Over the ascending values x₀ … xₙ₋₁ it is x at rank h = (n − 1)·q, interpolated between
    /// x⌊h⌋ and x⌈h⌉; so q = 0 is the minimum, q = 1 the maximum and q = ½ of an even count the mean of the
    /// two middle values. NaN when there are no values, where no quantile is defined.
    /// </summary>
    /// <remarks>
    /// The values may come in any order: ascending ones (the usual case, several quantiles of one sorted
    /// list) are read in place, others are sorted in a copy. A NaN among them is refused, as it has no rank.
    /// </remarks>
    public static double Of(IReadOnlyList<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(q is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is between 0 and 1 (0.95 for the 95th percentile).");
        }

        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = IsAscending(values) ? values : Sorted(values);
        var rank = (sorted.Count - 1) * q;
        var below = (int)Math.Floor(rank);
        var fraction = rank - below;

        // An exact order statistic is returned as it is (no 0 · ∞ when the next value is infinite).
        return fraction == 0 ? sorted[below] : sorted[below] + (fraction * (sorted[below + 1] - sorted[below]));
    }

    /// <summary>Whether the values are ascending; throws on a NaN, which no order places.</summary>
    private static bool IsAscending(IReadOnlyList<double> values)
    {
        var ascending = true;
        for (var i = 0; i < values.Count; i++)
        {
            if (double.IsNaN(values[i]))
            {
                throw new ArgumentException($"The values hold NaN (at {i}), which has no rank.", nameof(values));
            }

            ascending &= i == 0 || values[i - 1] <= values[i];
        }

        return ascending;
    }

    private static double[] Sorted(IReadOnlyList<double> values)
    {
        var copy = values.ToArray();
        Array.Sort(copy);
        return copy;
    }
}
