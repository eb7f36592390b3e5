namespace MemGrowth.Shared.Growth;

/// <summary>
/// Robust scale of the sample-to-sample noise of a footprint series. Second differences cancel any linear
/// trend and leave constant curvature as a constant, so the median absolute deviation of them measures only
/// the jitter, whatever the growth is doing; isolated steps and spikes do not move a median.
/// <para>
/// A median of a handful of values is treacherous, though: four of seven second differences that happen to
/// agree report almost no noise, the ratchet step shrinks below the jitter, and a young process's jitter
/// passes for growth. Below <see cref="SmallSample"/> differences the mean absolute deviation is taken too,
/// and the larger of the two wins: it is far steadier, and what inflates it (a ramp's corners, a step)
/// only makes a young process's analysis more cautious.
/// </para>
/// </summary>
internal static class NoiseEstimator
{
    /// <summary>Second differences sampled (within ~15%): the noise scale sets the step that tells rises from jitter, so it gets four times the usual sample.</summary>
    private const int Sample = 4 * Selection.MaxSample;

    /// <summary>Fewer second differences than this also get the mean absolute deviation.</summary>
    private const int SmallSample = 32;

    // MAD and mean absolute deviation to standard deviation for a normal law, and the second difference of
    // white noise has variance 6σ².
    private const double MadToSigma = 1.4826;
    private static readonly double MeanDeviationToSigma = Math.Sqrt(Math.PI / 2);
    private static readonly double SecondDifferenceScale = Math.Sqrt(6);

    /// <summary>Noise standard deviation of <paramref name="values"/>, never below <paramref name="floor"/>.</summary>
    /// <param name="scratch">At least <c>values.Length</c> doubles.</param>
    public static double Estimate(ReadOnlySpan<double> values, Span<double> scratch, double floor)
    {
        int m = values.Length - 2;
        if (m < 3)
        {
            return floor;
        }

        int k = Selection.SampleCount(m, Sample);
        for (int j = 0; j < k; j++)
        {
            int i = Selection.SampleIndex(j, m, k);
            scratch[j] = values[i + 2] - (2 * values[i + 1]) + values[i];
        }

        Span<double> d = scratch[..k];
        double center = Selection.Median(d);
        double total = 0;
        for (int i = 0; i < k; i++)
        {
            d[i] = Math.Abs(d[i] - center);
            total += d[i];
        }

        double sigma = MadToSigma * Selection.Median(d) / SecondDifferenceScale;
        if (k < SmallSample)
        {
            sigma = Math.Max(sigma, MeanDeviationToSigma * total / k / SecondDifferenceScale);
        }

        return Math.Max(sigma, floor);
    }
}
