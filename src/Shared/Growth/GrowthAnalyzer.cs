namespace MemGrowth.Shared.Growth;

/// <summary>
/// Turns the successive windows of one process into <see cref="GrowthEvidence"/>: noise, floor and episode,
/// shape, rate, confidence. A handful of O(n) passes over preallocated buffers and medians of a few dozen
/// values, so analysing on every sample costs microseconds and allocates nothing. The noise estimate of a
/// full window is reused for a few calls (it moves slowly and is the costliest step), so one analyzer must
/// only ever see one process's window.
/// </summary>
internal sealed class GrowthAnalyzer
{
    /// <summary>The floor must rise this many jitter sigmas to count: uniform jitter spans 3.5, normal rarely 5.</summary>
    private const double StepSigmas = 5;

    /// <summary>
    /// A pause may last this many times the longest pause already seen in the episode: a rise of the floor
    /// that falls just short of a step is missed, which doubles a gap once in a while.
    /// </summary>
    private const double PauseStretch = 1.5;

    /// <summary>A slow leak under jitter takes step/rate seconds per floor rise; allow this many.</summary>
    private const double StepsOfWait = 3;

    /// <summary>Times the start of the growth segment may be moved up to where the fitted growth meets the old level.</summary>
    private const int StartRefinements = 3;

    /// <summary>Windows at least this long reuse their noise estimate for <see cref="NoiseReuse"/> calls.</summary>
    private const int NoiseReusePoints = 64;

    private const int NoiseReuse = 4;

    /// <summary>Real samples needed before their own jitter estimate counts (a robust median regime).</summary>
    private const int SampledNoisePoints = 20;

    /// <summary>A drop that undoes this many seconds of the segment's growth is memory given back, not jitter.</summary>
    private const double GiveBackSeconds = 3;

    /// <summary>The smallest give-back, in the kernel's minimum deltas.</summary>
    private const double GiveBackDeltas = 4;

    /// <summary>The smallest give-back, in jitter sigmas (the jitter a drop between two samples carries twice).</summary>
    private const double GiveBackSigmas = 4;

    private readonly GrowthSettings _settings;
    private readonly double[] _floor;
    private readonly double[] _weights;
    private readonly double[] _scratch;
    private readonly double[] _sampled;
    private double _noise;
    private int _noiseUses = NoiseReuse;

    public GrowthAnalyzer(GrowthSettings settings, int capacity)
    {
        _settings = settings;
        _floor = new double[capacity];
        _weights = new double[capacity];
        _scratch = new double[capacity];
        _sampled = new double[capacity];
    }

    /// <param name="filled">Which points were filled in for gaps (see <see cref="GrowthWindow.Filled"/>).</param>
    public GrowthEvidence Analyze(ReadOnlySpan<double> t, ReadOnlySpan<double> y, ReadOnlySpan<bool> filled)
    {
        int n = y.Length;
        double noiseFloor = _settings.MinimumDeltaBytes / 2.0;
        double noise = Math.Max(WindowNoise(y, noiseFloor), SampledNoise(y, filled, noiseFloor));
        double step = Math.Max(StepSigmas * noise, _settings.MinimumDeltaBytes);
        FloorProfile floor = FloorProfile.Measure(t, y, _floor, step, noise, _settings.MaxPauseSeconds);
        if (!floor.HasEpisode)
        {
            return GrowthEvidence.None(noise, step, floor.Headroom);
        }

        // A segment that is most of the window has the window's noise; a short one may be quieter or noisier.
        int length = n - floor.Start;
        double segmentNoise = length >= 6 && length < 3 * n / 4
            ? NoiseEstimator.Estimate(y[floor.Start..], _scratch, noiseFloor)
            : noise;
        int s = floor.Start;
        LineFit line = FitFromRefinedStart(t, y, ref s, step, segmentNoise);

        ReadOnlySpan<double> ts = t[s..];
        ReadOnlySpan<double> ys = y[s..];
        CurvatureFit curve = Curvature.Fit(ts, ys, _weights, line.CenterTime, _scratch, segmentNoise);
        JumpProfile jumps = JumpProfile.Measure(ts, ys, segmentNoise, _scratch);
        double now = t[n - 1];
        var shape = new SegmentShape(
            line, curve, jumps, segmentNoise, step, floor.Retained, floor.SegmentHeadroom, floor.SettledRise, floor.SettledSeconds,
            GiveBacks(ys, line.Slope, Math.Max(GiveBackDeltas * _settings.MinimumDeltaBytes, GiveBackSigmas * segmentNoise)),
            _settings.SampleIntervalSeconds);
        Classification found = GrowthClassifier.Classify(shape);

        double rate = found.BytesPerSecond;
        double persisted = floor.PersistedSeconds(rate);
        double quiet = now - floor.LastRiseTime;
        double allowance = QuietAllowance(floor, step, rate);
        double effective = Confidence.EffectiveGrowth(floor, Math.Max(rate, 0) * _settings.SampleIntervalSeconds);

        // Stable means the growth is over: it stopped (quiet too long), reversed, or never exceeded what the
        // process gives back. A slow but positive rate is not "over": it only gets no confidence.
        if (!(rate > 0) || quiet >= allowance || effective <= 0)
        {
            return new GrowthEvidence(GrowthAssessment.None, noise, step, persisted, quiet, allowance, effective, floor.Headroom, false);
        }

        double confidence = Confidence.Compute(
            rate, found.StandardError, persisted, effective, step, _settings);
        double severity = Confidence.Severity(rate, y[n - 1], _settings.MinimumDeltaBytes, _settings);
        var assessment = new GrowthAssessment(found.Pattern, rate, confidence, t[s], severity);
        return new GrowthEvidence(assessment, noise, step, persisted, quiet, allowance, effective, floor.Headroom, floor.Start == 0);
    }

    // The floor can only place the start within the jitter, and flat points left at the front of the
    // segment bend the line. Where the fitted growth meets the old level is a sharper start: move to the
    // nearest point (never past a rise of the floor by a whole step, such as a burst's first step) and fit
    // again. A flat point left in still bends the line a little towards itself, hence a few passes.
    private LineFit FitFromRefinedStart(ReadOnlySpan<double> t, ReadOnlySpan<double> y, ref int s, double step, double noise)
    {
        int n = y.Length;
        double oldLevel = _floor[s];
        LineFit line = RobustLine.Fit(t[s..], y[s..], _weights, _scratch, noise);
        for (int pass = 0; pass < StartRefinements && line.Slope > 0; pass++)
        {
            double meets = line.CenterTime + ((oldLevel - line.Level) / line.Slope);
            int refined = s;
            while (refined + 2 < n
                && t[refined + 1] - meets <= (t[refined + 1] - t[refined]) / 2
                && _floor[refined + 1] < oldLevel + step)
            {
                refined++;
            }

            if (refined == s)
            {
                break;
            }

            s = refined;
            line = RobustLine.Fit(t[s..], y[s..], _weights, _scratch, noise);
        }

        return line;
    }

    // Drops that undo more than GiveBackSeconds of the segment's growth: a runtime collecting garbage
    // between teeth. Jitter gives back a second's growth or so, never this much. (Not measured in steps:
    // the teeth of a fast sawtooth inflate the jitter estimate, and so the step, beyond their own size.)
    private static int GiveBacks(ReadOnlySpan<double> y, double slope, double atLeast)
    {
        double least = Math.Max(atLeast, GiveBackSeconds * Math.Max(slope, 0));
        int count = 0;
        for (int i = 1; i < y.Length; i++)
        {
            if (y[i - 1] - y[i] > least)
            {
                count++;
            }
        }

        return count;
    }

    // How long the floor may stay still before the growth counts as stopped: the configured flat time,
    // stretched for growth that pauses by nature (bursts, slow leaks under jitter), within the longest pause.
    private double QuietAllowance(in FloorProfile floor, double step, double rate)
    {
        double allowance = Math.Max(_settings.ResolveAfterFlatSeconds, PauseStretch * floor.LongestGap);
        if (rate > 0)
        {
            allowance = Math.Max(allowance, StepsOfWait * step / rate);
        }

        return Math.Min(allowance, _settings.MaxPauseSeconds);
    }

    // Points filled in for a quiet stretch are exact copies of the last sample: after a long quiet spell
    // they talk the window's estimate down to its floor, and the next sample's ordinary jitter would then
    // clear a step and look like the floor rising again. The real samples alone, once there are enough of
    // them for a robust estimate, bound it from below.
    private double SampledNoise(ReadOnlySpan<double> y, ReadOnlySpan<bool> filled, double noiseFloor)
    {
        int count = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (!filled[i])
            {
                _sampled[count++] = y[i];
            }
        }

        return count >= SampledNoisePoints ? NoiseEstimator.Estimate(_sampled.AsSpan(0, count), _scratch, noiseFloor) : noiseFloor;
    }

    private double WindowNoise(ReadOnlySpan<double> y, double noiseFloor)
    {
        if (y.Length < NoiseReusePoints || _noiseUses >= NoiseReuse)
        {
            _noise = NoiseEstimator.Estimate(y, _scratch, noiseFloor);
            _noiseUses = 0;
        }

        _noiseUses++;
        return _noise;
    }
}
