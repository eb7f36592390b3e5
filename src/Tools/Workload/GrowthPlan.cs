namespace MemGrowth.Tools.Workload;

/// <summary>
/// Pure: how much a pattern allocates or frees in each second. Seconds count from 0, the first second
/// of the run; what a second does shows in the report line t=second+1.
/// </summary>
/// <param name="RateBytes">Bytes per second; for stable the one-off size, for burst a fiftieth of each burst.</param>
/// <param name="PeriodSeconds">The pattern's cycle: see <see cref="GrowerOptions.DefaultPeriod"/>.</param>
/// <param name="LeakBytes">gc-leak only: bytes per second its troughs rise.</param>
internal sealed record GrowthPlan(GrowthPattern Pattern, long RateBytes, int PeriodSeconds, long LeakBytes = 0)
{
    /// <summary>Accelerating growth is quadratic in total; past this it would only be testing the OOM killer.</summary>
    public const long AcceleratingCapBytes = 2L << 30;

    public const int BurstMultiplier = 50;

    /// <summary>The share of what release holds that it gives back, in tenths.</summary>
    public const int ReleasedTenths = 9;

    public static GrowthPlan For(GrowerOptions options) =>
        new(options.Pattern, options.RateBytes, options.PeriodSeconds, options.LeakBytes);

    /// <param name="second">The second of the run, from 0.</param>
    /// <param name="heldBytes">What the grower holds as the second starts (for caps and frees).</param>
    public GrowthStep Step(int second, long heldBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(second);
        var phase = second % PeriodSeconds;
        var half = PeriodSeconds / 2;
        return Pattern switch
        {
            GrowthPattern.Linear => GrowthStep.Spread(RateBytes),
            // i+1 rather than i, so second 0 already grows and the run does not open with a flat second.
            GrowthPattern.Accelerating => GrowthStep.Spread((long)Math.Max(0, Math.Min((second + 1.0) * RateBytes, AcceleratingCapBytes - heldBytes))),
            GrowthPattern.Oscillating => phase < half ? GrowthStep.Spread(RateBytes) : GrowthStep.None,
            GrowthPattern.Burst => phase == 0 ? GrowthStep.AtOnce(BurstMultiplier * RateBytes) : GrowthStep.None,
            GrowthPattern.Stable => second == 0 ? GrowthStep.AtOnce(RateBytes) : GrowthStep.None,
            GrowthPattern.Sawtooth => phase < half ? GrowthStep.Spread(RateBytes)
                : phase == half ? FreeDownTo(0, heldBytes)
                : GrowthStep.None,
            GrowthPattern.Plateau => second < PeriodSeconds ? GrowthStep.Spread(RateBytes) : GrowthStep.None,
            // The free's second adds nothing, so t=second+1 reports exactly leak × t: the troughs are the leak.
            GrowthPattern.GcLeak => phase < half ? GrowthStep.Spread(RateBytes)
                : phase == half ? FreeDownTo(LeakBytes * (second + 1L), heldBytes)
                : GrowthStep.None,
            GrowthPattern.Release => second < PeriodSeconds ? GrowthStep.Spread(RateBytes)
                : second == PeriodSeconds && heldBytes > 0 ? GrowthStep.AtOnce(-(heldBytes / 10 * ReleasedTenths))
                : GrowthStep.None,
            _ => throw new ArgumentOutOfRangeException(nameof(Pattern), Pattern, "unknown growth pattern"),
        };
    }

    private static GrowthStep FreeDownTo(long targetBytes, long heldBytes) =>
        heldBytes > targetBytes ? GrowthStep.AtOnce(targetBytes - heldBytes) : GrowthStep.None;
}
