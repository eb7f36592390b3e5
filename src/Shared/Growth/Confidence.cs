namespace MemGrowth.Shared.Growth;

/// <summary>
/// How sure we are that a growth episode is a leak, in [0, 1]: the product of three factors, each in [0, 1]
/// and each a different way a harmless process can look like a leak, so any one of them can veto.
/// <list type="bullet">
/// <item>Persistence: zero until the floor has kept rising for <see cref="GrowthSettings.MinGrowthSeconds"/>
/// (warm-ups, cache fills and single allocations stop before), then saturating within a few seconds.</item>
/// <item>Significance: how many standard errors the rate is above
/// <see cref="GrowthSettings.MinGrowthBytesPerSecond"/>; zero at or below it, and rising with the rate, with
/// the duration (as duration^1.5) and with the size of the growth against the jitter. A leak just above the
/// minimum is therefore detected too, once it has gone on long enough to be sure of.</item>
/// <item>Headroom: growth that cannot be the current tooth of a sawtooth, in ratchet steps: the rise of
/// the troughs, plus whatever the current rise exceeds the largest amount this process was seen to give
/// back. A sawtooth never grows past its own teeth; a leaking one raises its troughs.</item>
/// </list>
/// The product is then scaled by <c>1 − 0.1·min/rate</c>, so that of two leaks equally well established
/// the faster one, which matters more, is the surer. Faster or longer growth never lowers a factor, so
/// confidence is monotone in both.
/// </summary>
internal static class Confidence
{
    /// <summary>Standard errors above the minimum rate for the significance factor to reach 1 − 1/e.</summary>
    private const double SignificanceScale = 3;

    /// <summary>Persistence reaches 1 − 1/e this many times faster than <see cref="GrowthSettings.MinGrowthSeconds"/>, once past it.</summary>
    private const double PersistenceRate = 6;

    /// <summary>Most confidence the rate alone can take away: small, so a slow leak can still be detected.</summary>
    private const double RateWeight = 0.1;

    /// <param name="effectiveGrowthBytes">Growth that cannot be the current tooth of a sawtooth (see <see cref="EffectiveGrowth"/>).</param>
    /// <param name="stepBytes">Smallest floor rise that is not jitter.</param>
    public static double Compute(
        double rate, double rateError, double persistedSeconds, double effectiveGrowthBytes, double stepBytes,
        GrowthSettings settings)
    {
        double min = settings.MinGrowthBytesPerSecond;
        if (!(rate > min))
        {
            return 0;
        }

        double beyondMinimum = persistedSeconds - settings.MinGrowthSeconds;

        // Saturates over a sixth of the minimum duration: once growth has outlasted every warm-up it is
        // the other factors, not the clock, that should decide.
        double persistence = beyondMinimum <= 0 ? 0 : 1 - Math.Exp(-beyondMinimum / (settings.MinGrowthSeconds / PersistenceRate));

        double excess = (rate - min) / Math.Max(rateError, double.Epsilon);
        double significance = 1 - Math.Exp(-excess / SignificanceScale);

        double headroom = effectiveGrowthBytes <= 0 ? 0 : 1 - Math.Exp(-effectiveGrowthBytes / stepBytes);

        double strength = 1 - (RateWeight * min / rate);
        return Math.Clamp(persistence * significance * headroom * strength, 0, 1);
    }

    /// <summary>
    /// Settled trough rise plus the part of the current rise beyond the largest known give-back. Headroom
    /// counts excursions held for two samples, which misses the top sample of a linear tooth, so the current
    /// rise must also clear one sample's worth of growth (<paramref name="sampleGrowth"/>).
    /// </summary>
    public static double EffectiveGrowth(in FloorProfile floor, double sampleGrowth) =>
        floor.SettledRise + Math.Max(0, floor.Retained - floor.SettledRise - floor.Headroom - sampleGrowth);

    /// <summary>
    /// Severity in [0, 1]: <c>1 − exp(−g)</c>, g being the growth over the horizon at this rate relative to the
    /// current footprint. Relative, because 1 MiB/s matters far more to a 30 MiB daemon than to a 30 GiB database.
    /// </summary>
    public static double Severity(double rate, double footprintBytes, double minimumDeltaBytes, GrowthSettings settings)
    {
        if (!(rate > 0))
        {
            return 0;
        }

        double projected = rate * settings.SeverityHorizonSeconds / Math.Max(footprintBytes, minimumDeltaBytes);
        return 1 - Math.Exp(-projected);
    }
}
