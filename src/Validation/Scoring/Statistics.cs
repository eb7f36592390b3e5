using MemGrowth.Shared.Statistics;

namespace MemGrowth.Validation.Scoring;

/// <summary>The few descriptive statistics the methodology asks for: rank correlation and latency summaries (quantiles are <see cref="Quantile"/>'s).</summary>
internal static class Statistics
{
    /// <summary>
    /// Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing the average of
    /// the ranks they span (so it stays exact with ties, unlike the 1 − 6Σd²/n(n²−1) shortcut).
    /// NaN with fewer than 3 pairs or when either side is constant, where the correlation is undefined.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Spearman needs pairs: {x.Count} x values against {y.Count} y values.", nameof(y));
        }

        if (x.Count < 3)
        {
            return double.NaN;
        }

        return Pearson(Ranks(x), Ranks(y));
    }

    /// <summary>Count, mean, min, median, p95 and max of durations in seconds; <see cref="LatencyStats.Empty"/> when there are none.</summary>
    public static LatencyStats Latency(IEnumerable<double> seconds)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        var sorted = seconds.ToArray();
        if (sorted.Length == 0)
        {
            return LatencyStats.Empty;
        }

        Array.Sort(sorted);
        return new LatencyStats(sorted.Length, sorted.Average(), sorted[0], Quantile.Of(sorted, 0.5), Quantile.Of(sorted, 0.95), sorted[^1]);
    }

    /// <summary>1-based ranks, ties given the average rank of their run.</summary>
    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var first = 0; first < order.Length;)
        {
            var last = first;
            while (last + 1 < order.Length && values[order[last + 1]].Equals(values[order[first]]))
            {
                last++;
            }

            var average = ((first + last) / 2.0) + 1;
            for (var i = first; i <= last; i++)
            {
                ranks[order[i]] = average;
            }

            first = last + 1;
        }

        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        double meanX = x.Average(), meanY = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            double dx = x[i] - meanX, dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
