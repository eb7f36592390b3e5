namespace MemGrowth.Shared.Growth;

/// <summary>What the floor of a footprint series says about the current growth episode.</summary>
/// <param name="Start">Index where the current episode starts (the last point at the old level); -1 when there is none.</param>
/// <param name="CoreRiseSeconds">
/// Time the floor took to rise from <paramref name="Trim"/> above its start to <paramref name="Trim"/> below
/// its end; zero when the rise is within two trims. See <see cref="PersistedSeconds"/>.
/// </param>
/// <param name="Trim">Bytes left out at each end of the rise: 10% of it, and at least a step.</param>
/// <param name="LastRiseTime">When the floor last rose by a step; NaN when there is no episode.</param>
/// <param name="LongestGap">Longest wait between two floor rises in this episode (from <paramref name="Start"/> for the first).</param>
/// <param name="Retained">How far the confirmed floor is above its level at <paramref name="Start"/>, in bytes.</param>
/// <param name="SettledRise">
/// The rise of the troughs, from the first trough of the episode to the latest: zero with fewer than two
/// give-backs. The rest of <paramref name="Retained"/> may be the current tooth of a sawtooth, or a one-off offset.
/// </param>
/// <param name="SettledSeconds">From the first trough to the trough that settled <paramref name="SettledRise"/>.</param>
/// <param name="Headroom">
/// Largest excursion above the floor that the process later gave back, over the whole window (held for at
/// least two samples, so one stray sample does not count): the size of what this process is known to release.
/// </param>
/// <param name="SegmentHeadroom">The same, within the episode only: give-backs during the growth itself.</param>
internal readonly record struct FloorProfile(
    int Start,
    double CoreRiseSeconds,
    double Trim,
    double LastRiseTime,
    double LongestGap,
    double Retained,
    double SettledRise,
    double SettledSeconds,
    double Headroom,
    double SegmentHeadroom)
{
    /// <summary>The episode starts where the floor was last within this many noise sigmas of its old level.</summary>
    private const double StartSigmas = 2.5;

    /// <summary>Share of the rise left out at each end when timing it (see <see cref="PersistedSeconds"/>).</summary>
    private const double Tail = 0.1;

    public bool HasEpisode => Start >= 0;

    /// <summary>
    /// How long the floor has been rising. The tails of the rise are where jitter shows — the last sample
    /// before a ramp, or one high sample after a plateau, can clear a step on its own — so the duration is
    /// the core of the rise (<see cref="CoreRiseSeconds"/>) plus the time the trimmed tails take at the
    /// growth rate. The faster of <paramref name="rate"/> and the core's own rate is used, so a rate dragged
    /// down by a long plateau cannot stretch a short warm-up.
    /// </summary>
    public double PersistedSeconds(double rate)
    {
        if (CoreRiseSeconds <= 0)
        {
            return 0;
        }

        double coreRate = (Retained - (2 * Trim)) / CoreRiseSeconds;
        return CoreRiseSeconds + (2 * Trim / Math.Max(rate, coreRate));
    }

    private static FloorProfile NoEpisode(double headroom) => new(-1, 0, 0, double.NaN, 0, 0, 0, 0, headroom, 0);

    /// <summary>
    /// Measures the floor of <paramref name="y"/>: at each point, the lowest footprint from then on. Memory
    /// above the floor was later released; the floor itself is what the process kept. A leak is a floor that
    /// keeps rising; a sawtooth, a freed batch or jitter leave it flat. The floor is followed by a ratchet
    /// with step <paramref name="step"/> (above the noise), so jitter never counts as a rise; rises more than
    /// <paramref name="maxPause"/> apart start a new episode.
    /// </summary>
    /// <param name="floor">Receives the floor; at least <c>y.Length</c> doubles.</param>
    /// <param name="noise">Noise scale of the series.</param>
    public static FloorProfile Measure(
        ReadOnlySpan<double> t, ReadOnlySpan<double> y, Span<double> floor, double step, double noise, double maxPause)
    {
        int n = y.Length;

        // The last point's floor is itself, so it is not confirmed yet: judging rises on it would let one
        // high sample of jitter look like growth. One more sample confirms it.
        int confirmed = n - 2;
        if (confirmed < 1)
        {
            return NoEpisode(0);
        }

        // One backward pass: the floor, and the largest excursion above it held for two samples.
        double low = y[n - 1];
        floor[n - 1] = low;
        double headroom = 0;
        double laterExcursion = 0;
        for (int i = n - 2; i >= 0; i--)
        {
            if (y[i] < low)
            {
                low = y[i];
            }

            floor[i] = low;
            double excursion = y[i] - low;
            double held = excursion < laterExcursion ? excursion : laterExcursion;
            if (held > headroom)
            {
                headroom = held;
            }

            laterExcursion = excursion;
        }

        double level = floor[0];
        double levelBefore = level;
        int firstRise = -1;
        int previousRise = -1;
        double longestGap = 0;
        for (int i = 1; i <= confirmed; i++)
        {
            if (floor[i] < level + step)
            {
                continue;
            }

            if (firstRise < 0 || t[i] - t[previousRise] > maxPause)
            {
                firstRise = i;
                levelBefore = level;
                longestGap = 0;
            }
            else
            {
                longestGap = Math.Max(longestGap, t[i] - t[previousRise]);
            }

            previousRise = i;
            level = floor[i];
        }

        if (firstRise < 0)
        {
            return NoEpisode(headroom);
        }

        // The growth began where the floor last sat near its old level, not where it first cleared a step;
        // the floor of jitter creeps up towards the end of a flat stretch, hence a few sigmas of slack.
        int start = firstRise - 1;
        while (start > 0 && floor[start] > levelBefore + (StartSigmas * noise))
        {
            start--;
        }

        longestGap = Math.Max(longestGap, t[firstRise] - t[start]);

        double retained = floor[confirmed] - floor[start];
        double trim = Math.Max(Tail * retained, step);
        double core = CoreRise(t, floor, start, confirmed, retained, trim);

        // Troughs after the latest give-back of at least a step are settled; growth since may be handed back.
        // The troughs' rise is measured from the first trough, not from where the episode began: the first
        // tooth often starts from a lower level (a runtime settling in, a pool sized once), and a one-off
        // offset spread over many cycles would read as a slow leak of a sawtooth that has stopped rising.
        double segmentHeadroom = SustainedExcursion(y, floor, start + 1, confirmed, step, out int firstGiveBack, out int lastGiveBack);
        double settled = 0;
        double settledSeconds = 0;
        if (lastGiveBack > firstGiveBack && firstGiveBack > start)
        {
            settled = floor[lastGiveBack] - floor[firstGiveBack];
            settledSeconds = t[Trough(y, floor, lastGiveBack)] - t[Trough(y, floor, firstGiveBack)];
        }

        return new FloorProfile(
            start,
            core,
            trim,
            t[previousRise],
            longestGap,
            retained,
            settled,
            settledSeconds,
            headroom,
            segmentHeadroom);
    }

    // Time for the (non-decreasing) floor to go from `trim` above its start to `trim` below its end over
    // [start, end]. Crossings are interpolated between samples so the estimate does not jump by whole seconds.
    private static double CoreRise(
        ReadOnlySpan<double> t, ReadOnlySpan<double> floor, int start, int end, double rise, double trim)
    {
        if (rise <= 2 * trim)
        {
            return 0;
        }

        double low = floor[start] + trim;
        double high = floor[start] + rise - trim;
        double lowTime = double.NaN;
        for (int i = start + 1; i <= end; i++)
        {
            if (double.IsNaN(lowTime) && floor[i] >= low)
            {
                lowTime = Crossing(t, floor, i, low);
            }

            if (floor[i] >= high)
            {
                return Crossing(t, floor, i, high) - lowTime;
            }
        }

        return 0;
    }

    private static double Crossing(ReadOnlySpan<double> t, ReadOnlySpan<double> floor, int i, double level)
    {
        double before = floor[i - 1];
        double fraction = floor[i] > before ? (level - before) / (floor[i] - before) : 1;
        return t[i - 1] + (fraction * (t[i] - t[i - 1]));
    }

    // The first point after a give-back at `giveBack` that is down at the floor: the trough.
    private static int Trough(ReadOnlySpan<double> y, ReadOnlySpan<double> floor, int giveBack)
    {
        int trough = giveBack;
        while (trough < y.Length - 1 && y[trough] > floor[giveBack])
        {
            trough++;
        }

        return trough;
    }

    // Largest excursion above the floor held for two samples in [from, to], and the first and last indices
    // whose excursion reached `atLeast` (-1 if none). The last point is left out: its floor is itself.
    private static double SustainedExcursion(
        ReadOnlySpan<double> y, ReadOnlySpan<double> floor, int from, int to, double atLeast, out int firstAtLeast, out int lastAtLeast)
    {
        double best = 0;
        firstAtLeast = -1;
        lastAtLeast = -1;
        double earlier = y[from - 1] - floor[from - 1];
        for (int i = from; i <= to; i++)
        {
            double excursion = y[i] - floor[i];
            double held = excursion < earlier ? excursion : earlier;
            earlier = excursion;
            if (held > best)
            {
                best = held;
            }

            if (held >= atLeast)
            {
                lastAtLeast = i;
                if (firstAtLeast < 0)
                {
                    firstAtLeast = i;
                }
            }
        }

        return best;
    }
}
