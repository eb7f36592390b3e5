namespace MemGrowth.Shared.Growth;

/// <summary>
/// Result of fitting <c>y = c0 + c1·u + c2·u²</c> (u = t − center) to a growth segment.
/// </summary>
/// <param name="SlopeAtEnd">Rate at the last point, <c>c1 + 2·c2·u_end</c>: the current rate of accelerating growth.</param>
/// <param name="TStatistic">c2 over its standard error: how clearly the rate is changing.</param>
/// <param name="SlopeAtEndError">Standard error of <paramref name="SlopeAtEnd"/>.</param>
/// <param name="ResidualScale">Robust scale of what the parabola leaves unexplained.</param>
internal readonly record struct CurvatureFit(
    double C2, double SlopeAtEnd, double SlopeAtEndError, double TStatistic, double ResidualScale);

/// <summary>
/// Weighted least-squares parabola over a growth segment, reusing the Huber weights of the line fit so the
/// same outliers are ignored. One O(n) pass plus a 3×3 solve; tells accelerating growth from steady growth.
/// </summary>
internal static class Curvature
{
    private const double MadToSigma = 1.4826;

    public static CurvatureFit Fit(
        ReadOnlySpan<double> t, ReadOnlySpan<double> y, ReadOnlySpan<double> weights, double center,
        Span<double> scratch, double minScale)
    {
        int m = t.Length;
        if (m < 4)
        {
            return new CurvatureFit(0, 0, double.PositiveInfinity, 0, minScale);
        }

        // Footprints are ~1e9 and u⁴ sums ~1e11: centre y too, or Cramer's rule loses the curvature to rounding.
        double meanY = 0;
        for (int i = 0; i < m; i++)
        {
            meanY += y[i];
        }

        meanY /= m;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, r0 = 0, r1 = 0, r2 = 0;
        for (int i = 0; i < m; i++)
        {
            double w = weights[i];
            double u = t[i] - center;
            double u2 = u * u;
            double v = y[i] - meanY;
            s0 += w;
            s1 += w * u;
            s2 += w * u2;
            s3 += w * u2 * u;
            s4 += w * u2 * u2;
            r0 += w * v;
            r1 += w * u * v;
            r2 += w * u2 * v;
        }

        // Cramer's rule on the symmetric normal equations [s0 s1 s2; s1 s2 s3; s2 s3 s4] c = r.
        double det = (s0 * ((s2 * s4) - (s3 * s3))) - (s1 * ((s1 * s4) - (s3 * s2))) + (s2 * ((s1 * s3) - (s2 * s2)));
        if (!(Math.Abs(det) > 0))
        {
            return new CurvatureFit(0, 0, double.PositiveInfinity, 0, minScale);
        }

        double c0 = ((r0 * ((s2 * s4) - (s3 * s3))) - (s1 * ((r1 * s4) - (s3 * r2))) + (s2 * ((r1 * s3) - (s2 * r2)))) / det;
        double c1 = ((s0 * ((r1 * s4) - (s3 * r2))) - (r0 * ((s1 * s4) - (s3 * s2))) + (s2 * ((s1 * r2) - (r1 * s2)))) / det;
        double c2 = ((s0 * ((s2 * r2) - (r1 * s3))) - (s1 * ((s1 * r2) - (r1 * s2))) + (r0 * ((s1 * s3) - (s2 * s2)))) / det;

        int k = Selection.SampleCount(m);
        for (int j = 0; j < k; j++)
        {
            int i = Selection.SampleIndex(j, m, k);
            double u = t[i] - center;
            scratch[j] = Math.Abs(y[i] - meanY - c0 - (c1 * u) - (c2 * u * u));
        }

        double scale = Math.Max(MadToSigma * Selection.Median(scratch[..k]), minScale);

        // Covariances are scale² · M⁻¹; the entries needed, from the cofactors of the symmetric M.
        double inverse22 = ((s0 * s4) - (s2 * s2)) / det;
        double inverse33 = ((s0 * s2) - (s1 * s1)) / det;
        double inverse23 = -((s0 * s3) - (s1 * s2)) / det;
        double se = scale * Math.Sqrt(Math.Max(inverse33, 0));
        double uEnd = t[m - 1] - center;
        double slopeAtEnd = c1 + (2 * c2 * uEnd);
        double slopeAtEndError = scale * Math.Sqrt(Math.Max(inverse22 + (4 * uEnd * uEnd * inverse33) + (4 * uEnd * inverse23), 0));
        return new CurvatureFit(c2, slopeAtEnd, slopeAtEndError, se > 0 ? c2 / se : 0, scale);
    }
}
