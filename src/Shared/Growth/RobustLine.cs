namespace MemGrowth.Shared.Growth;

/// <summary>A straight-line fit <c>y = Level + Slope * (t - CenterTime)</c> and its uncertainty.</summary>
/// <param name="ResidualScale">Robust standard deviation of the residuals (MAD based), floored by the caller's minimum.</param>
/// <param name="SlopeStandardError">Standard error of the slope, from <paramref name="ResidualScale"/>.</param>
internal readonly record struct LineFit(
    double Slope, double Level, double CenterTime, double ResidualScale, double SlopeStandardError);

/// <summary>
/// Huber regression of footprint on time by iteratively reweighted least squares. Least squares is the most
/// precise estimator on steady growth with jitter, but one stray sample (a transient buffer, a late merge)
/// drags it; Huber weights keep it quadratic near the line and linear far away, so outliers count little.
/// It starts from a cheap Theil–Sen (median of slopes between points half the segment apart, thinned to a
/// few dozen pairs), which is robust by itself, so reweighting starts near the answer.
/// </summary>
internal static class RobustLine
{
    // The usual Huber tuning: 95% efficiency under normal noise.
    private const double HuberK = 1.345;
    private const double MadToSigma = 1.4826;

    // From a robust start one reweighting step already has the full M-estimator's efficiency (Bickel's
    // one-step estimator); a second absorbs a poor start. Each step is one O(n) pass.
    private const int MaxIterations = 2;

    /// <param name="weights">Receives the final Huber weights; at least <c>t.Length</c> doubles.</param>
    /// <param name="scratch">At least <c>t.Length</c> doubles.</param>
    /// <param name="minScale">Smallest residual scale to assume (the noise floor), which keeps weights sane on exact data.</param>
    public static LineFit Fit(
        ReadOnlySpan<double> t, ReadOnlySpan<double> y, Span<double> weights, Span<double> scratch, double minScale)
    {
        int m = t.Length;
        double center = 0;
        double meanY = 0;
        for (int i = 0; i < m; i++)
        {
            center += t[i];
            meanY += y[i];
        }

        center /= Math.Max(m, 1);
        meanY /= Math.Max(m, 1);
        double sxx = 0;
        for (int i = 0; i < m; i++)
        {
            double u = t[i] - center;
            sxx += u * u;
        }

        if (m < 3 || sxx <= 0)
        {
            weights[..m].Fill(1);
            double slope = m == 2 && sxx > 0 ? (y[1] - y[0]) / (t[1] - t[0]) : 0;
            return new LineFit(slope, meanY, center, minScale, sxx > 0 ? minScale / Math.Sqrt(sxx) : double.PositiveInfinity);
        }

        double b = InitialSlope(t, y, scratch);
        int k = Selection.SampleCount(m);
        for (int j = 0; j < k; j++)
        {
            int i = Selection.SampleIndex(j, m, k);
            scratch[j] = y[i] - meanY - (b * (t[i] - center));
        }

        // Levels are kept relative to the mean: footprints are ~1e9 and the sums below multiply them.
        double a = Selection.Median(scratch[..k]);
        double scale = Math.Max(MadToSigma * MedianAbsResidual(t, y, a + meanY, b, center, scratch), minScale);
        double limit = HuberK * scale;

        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            double sw = 0, swu = 0, swy = 0, swuu = 0, swuy = 0;
            for (int i = 0; i < m; i++)
            {
                double u = t[i] - center;
                double v = y[i] - meanY;
                double r = Math.Abs(v - a - (b * u));
                double w = limit / Math.Max(r, limit);
                weights[i] = w;
                sw += w;
                swu += w * u;
                swy += w * v;
                swuu += w * u * u;
                swuy += w * u * v;
            }

            double det = (sw * swuu) - (swu * swu);
            if (det <= 0)
            {
                break;
            }

            double nb = ((sw * swuy) - (swu * swy)) / det;
            double na = (swy - (nb * swu)) / sw;

            // Stop once the line moves less than a hundredth of the noise across the segment.
            bool converged = Math.Abs(nb - b) * Math.Sqrt(sxx) <= 1e-2 * scale;
            a = na;
            b = nb;
            if (converged)
            {
                break;
            }
        }

        // The scale of the residuals from the robust start stands for the final one: the two lines are close,
        // and a median less per sample is a fifth of the fit's cost.
        return new LineFit(b, a + meanY, center, scale, scale / Math.Sqrt(sxx));
    }

    // Median of the slopes between each point and the point half the segment later: O(n), and like the full
    // Theil–Sen estimator it ignores up to a quarter of the points being wild.
    private static double InitialSlope(ReadOnlySpan<double> t, ReadOnlySpan<double> y, Span<double> scratch)
    {
        int m = t.Length;
        int h = Math.Max(1, m / 2);
        int pairs = m - h;
        int samples = Selection.SampleCount(pairs);
        int k = 0;
        for (int j = 0; j < samples; j++)
        {
            int i = Selection.SampleIndex(j, pairs, samples);
            double dt = t[i + h] - t[i];
            if (dt > 0)
            {
                scratch[k++] = (y[i + h] - y[i]) / dt;
            }
        }

        return Selection.Median(scratch[..k]);
    }

    private static double MedianAbsResidual(
        ReadOnlySpan<double> t, ReadOnlySpan<double> y, double a, double b, double center, Span<double> scratch)
    {
        int k = Selection.SampleCount(t.Length);
        for (int j = 0; j < k; j++)
        {
            int i = Selection.SampleIndex(j, t.Length, k);
            scratch[j] = Math.Abs(y[i] - a - (b * (t[i] - center)));
        }

        return Selection.Median(scratch[..k]);
    }
}
