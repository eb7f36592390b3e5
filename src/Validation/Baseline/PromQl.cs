namespace MemGrowth.Validation.Baseline;

/// <summary>
/// PromQL's regression functions over one series' samples in a range window, computed as Prometheus's
/// promql/functions.go does: least squares with x in seconds from a reference time, compensated
/// (Kahan–Neumaier) sums, and a constant series given slope 0 exactly rather than 0/0 noise.
/// </summary>
internal static class PromQl
{
    /// <summary><c>deriv(v[range])</c>: the least-squares slope per second; null (no result) with fewer than two samples.</summary>
    public static double? Deriv(ReadOnlySpan<ScrapedSample> window) =>
        window.Length < 2 ? null : LinearRegression(window, window[0].TimestampMs).Slope;

    /// <summary><c>predict_linear(v[range], seconds)</c> at <paramref name="evaluationMs"/>: the fitted line's value that many seconds later.</summary>
    public static double? PredictLinear(ReadOnlySpan<ScrapedSample> window, long evaluationMs, double seconds)
    {
        if (window.Length < 2)
        {
            return null;
        }

        var (slope, intercept) = LinearRegression(window, evaluationMs);
        return (slope * seconds) + intercept;
    }

    /// <summary>
    /// The time-to-limit an operator reads off <c>predict_linear</c>: seconds from <paramref name="evaluationMs"/>
    /// until the fitted line reaches <paramref name="limitBytes"/>; null when it is not rising or has no result.
    /// </summary>
    public static double? SecondsToLimit(ReadOnlySpan<ScrapedSample> window, long evaluationMs, double limitBytes)
    {
        if (window.Length < 2)
        {
            return null;
        }

        var (slope, intercept) = LinearRegression(window, evaluationMs);
        return slope > 0 ? Math.Max(0, (limitBytes - intercept) / slope) : null;
    }

    /// <summary>Slope per second, and the fitted value at <paramref name="interceptMs"/>.</summary>
    private static (double Slope, double Intercept) LinearRegression(ReadOnlySpan<ScrapedSample> samples, long interceptMs)
    {
        var initial = samples[0].Value;
        var constant = true;
        CompensatedSum sumX = default, sumY = default, sumXY = default, sumX2 = default;
        foreach (var sample in samples)
        {
            constant &= sample.Value.Equals(initial);
            var x = (sample.TimestampMs - interceptMs) / 1e3;
            sumX.Add(x);
            sumY.Add(sample.Value);
            sumXY.Add(x * sample.Value);
            sumX2.Add(x * x);
        }

        if (constant)
        {
            return double.IsInfinity(initial) ? (double.NaN, double.NaN) : (0, initial);
        }

        double n = samples.Length, sx = sumX.Value, sy = sumY.Value;
        var covXY = sumXY.Value - (sx * sy / n);
        var varX = sumX2.Value - (sx * sx / n);
        var slope = covXY / varX;
        return (slope, (sy / n) - (slope * sx / n));
    }

    /// <summary>Neumaier's compensated summation, as Prometheus's kahanSumInc.</summary>
    private struct CompensatedSum
    {
        private double _sum;
        private double _compensation;

        public readonly double Value => _sum + _compensation;

        public void Add(double value)
        {
            var t = _sum + value;
            if (double.IsInfinity(t))
            {
                _compensation = 0;
            }
            else if (Math.Abs(_sum) >= Math.Abs(value))
            {
                _compensation += (_sum - t) + value;
            }
            else
            {
                _compensation += (value - t) + _sum;
            }

            _sum = t;
        }
    }
}
