namespace MemGrowth.Shared.Growth;

/// <summary>
/// Single-interval rises that stand far out of a segment's typical increment: the steps of a burst leak.
/// </summary>
/// <param name="Intervals">Number of intervals in the segment.</param>
/// <param name="Count">How many intervals jumped.</param>
/// <param name="Sum">Total bytes the jumps added.</param>
/// <param name="FirstSize">Bytes the first jump added.</param>
/// <param name="FirstTime">Time at the end of the first jump; NaN when there is none.</param>
/// <param name="LastTime">Time at the end of the last jump; NaN when there is none.</param>
internal readonly record struct JumpProfile(
    int Intervals, int Count, double Sum, double FirstSize, double FirstTime, double LastTime)
{
    // A jump is far outside both the jitter and the usual per-interval growth: steady growth at any rate
    // has no jumps, however fast, and noise needs six sigmas to fake one.
    private const double NoiseSigmas = 6;
    private const double TypicalIncrements = 4;

    /// <param name="scratch">At least <c>y.Length</c> doubles.</param>
    public static JumpProfile Measure(ReadOnlySpan<double> t, ReadOnlySpan<double> y, double noise, Span<double> scratch)
    {
        int intervals = y.Length - 1;
        if (intervals < 1)
        {
            return new JumpProfile(0, 0, 0, 0, double.NaN, double.NaN);
        }

        int k = Selection.SampleCount(intervals);
        for (int j = 0; j < k; j++)
        {
            int i = Selection.SampleIndex(j, intervals, k);
            scratch[j] = y[i + 1] - y[i];
        }

        double typical = Math.Max(Selection.Median(scratch[..k]), 0);
        double threshold = Math.Max(NoiseSigmas * noise, TypicalIncrements * typical);
        int count = 0;
        double sum = 0;
        double firstSize = 0;
        double firstTime = double.NaN;
        double lastTime = double.NaN;
        for (int i = 1; i <= intervals; i++)
        {
            double rise = y[i] - y[i - 1];
            if (rise <= threshold)
            {
                continue;
            }

            if (count == 0)
            {
                firstSize = rise;
                firstTime = t[i];
            }

            count++;
            sum += rise;
            lastTime = t[i];
        }

        return new JumpProfile(intervals, count, sum, firstSize, firstTime, lastTime);
    }
}
