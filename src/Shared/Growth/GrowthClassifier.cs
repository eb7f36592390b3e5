namespace MemGrowth.Shared.Growth;

/// <summary>
/// Names the shape of the current growth episode and picks the rate that describes it.
/// <para>
/// Method. The episode is the stretch since the footprint's floor (the lowest footprint from each point on)
/// left its old level; see <see cref="FloorProfile"/>. On that segment we fit a Huber line
/// (<see cref="RobustLine"/>), a weighted parabola (<see cref="Curvature"/>) and look for single-interval
/// jumps (<see cref="JumpProfile"/>), and compare the line's residual scale with the jitter estimated from
/// second differences (<see cref="NoiseEstimator"/>). Then, in order:
/// </para>
/// <list type="number">
/// <item>Burst: at least two jumps, which carry most of the retained growth and are a small share of the
/// intervals, and nothing given back in between (a batch that frees most of what it took oscillates).
/// Rate: what the jumps after the first added, per second between the first and the last — the first
/// step alone is just an allocation, and the rate stays put between steps.</item>
/// <item>Accelerating: the parabola's curvature is clearly positive, the rate at the end is well above the
/// average, and, if the line leaves structure, the parabola explains most of it. Rate: the rate at the end.</item>
/// <item>Oscillating: the process gives memory back during the episode (a sawtooth whose troughs rise, as in
/// a garbage-collected runtime that leaks: a held give-back, or repeated drops each undoing several seconds
/// of growth) — rate: the rise of the troughs per second, since a line through a few teeth measures the
/// teeth — or the line leaves structure far wider than the jitter (growth phases alternating with pauses)
/// — rate: the Huber slope.</item>
/// <item>Linear: what remains — a line explains the data down to the jitter. Rate: the Huber slope.</item>
/// </list>
/// <para>
/// Every test compares the data with its own noise and its own typical increment, never with absolute
/// periods or sizes, so the same rules hold for a 64 KiB/s leak under heavy jitter and a 50 MiB/s one.
/// Whether the episode is a leak at all is not decided here but by <see cref="Confidence"/>: a single
/// step, a three-second warm-up or the current tooth of a sawtooth get a pattern, and no confidence.
/// </para>
/// </summary>
internal static class GrowthClassifier
{
    /// <summary>Residuals wider than this many jitter sigmas are structure, not noise.</summary>
    private const double StructureRatio = 3;

    /// <summary>
    /// Residuals must also exceed this share of one sample's growth to be structure: the kernel reports a
    /// steady leak in whole pages at whole intervals, which leaves residuals of a tenth of a sample's growth
    /// or so, while growth that pauses for seconds leaves residuals near a whole sample's growth or more.
    /// </summary>
    private const double StructureSampleShare = 0.5;

    /// <summary>With fewer points the jitter estimate is too rough to call anything structure.</summary>
    private const int StructurePoints = 10;

    /// <summary>Share of the retained growth the jumps must carry to call it a burst.</summary>
    private const double BurstShare = 0.6;

    /// <summary>Most intervals a burst may spend jumping; above this, growth is continuous.</summary>
    private const double BurstSparsity = 0.25;

    /// <summary>Curvature must be this many standard errors above zero.</summary>
    private const double AccelerationSignificance = 4;

    /// <summary>The rate at the end must be this many times the average rate.</summary>
    private const double AccelerationRatio = 1.4;

    /// <summary>When the line leaves structure, the parabola must leave at most this share of it.</summary>
    private const double CurveExplains = 0.5;

    /// <summary>Memory given back during the episode, in ratchet steps, that makes it oscillate.</summary>
    private const double GiveBackSteps = 2;

    /// <summary>
    /// Large drops (see <see cref="SegmentShape.GiveBacks"/>) that make it oscillate even when no give-back is
    /// held for long: a fast sawtooth whose teeth last a sample or two.
    /// </summary>
    private const int RepeatedGiveBacks = 2;

    public static Classification Classify(in SegmentShape shape)
    {
        LineFit line = shape.Line;
        JumpProfile jumps = shape.Jumps;
        bool structured = jumps.Intervals + 1 >= StructurePoints
            && line.ResidualScale > StructureRatio * shape.Noise
            && line.ResidualScale > StructureSampleShare * Math.Max(line.Slope, 0) * shape.SampleSeconds;
        bool givesBack = shape.SegmentHeadroom > GiveBackSteps * shape.Step || shape.GiveBacks >= RepeatedGiveBacks;

        if (!givesBack
            && jumps.Count >= 2
            && jumps.Sum >= BurstShare * shape.Retained
            && jumps.Count <= BurstSparsity * jumps.Intervals)
        {
            double elapsed = Math.Max(jumps.LastTime - jumps.FirstTime, 1e-9);
            double rate = (jumps.Sum - jumps.FirstSize) / elapsed;
            double error = shape.Noise * Math.Sqrt(2.0 * (jumps.Count - 1)) / elapsed;
            return new Classification(GrowthPattern.Burst, rate, error);
        }

        CurvatureFit curve = shape.Curve;
        if (line.Slope > 0
            && curve.C2 > 0
            && curve.TStatistic >= AccelerationSignificance
            && curve.SlopeAtEnd >= AccelerationRatio * line.Slope
            && (!structured || curve.ResidualScale <= CurveExplains * line.ResidualScale))
        {
            return new Classification(GrowthPattern.Accelerating, curve.SlopeAtEnd, curve.SlopeAtEndError);
        }

        if (givesBack && shape.SettledSeconds > 0)
        {
            // Each trough is one noisy sample; two of them bound the rise.
            double rate = shape.SettledRise / shape.SettledSeconds;
            double error = Math.Sqrt(2) * shape.Noise / shape.SettledSeconds;
            return new Classification(GrowthPattern.Oscillating, rate, error);
        }

        if (structured || givesBack)
        {
            return new Classification(GrowthPattern.Oscillating, line.Slope, line.SlopeStandardError);
        }

        return new Classification(GrowthPattern.Linear, line.Slope, line.SlopeStandardError);
    }
}

/// <summary>Everything the classifier looks at for one growth segment.</summary>
/// <param name="Noise">Jitter scale of the segment (bytes).</param>
/// <param name="Step">Ratchet step of the floor (bytes): the smallest rise that is not jitter.</param>
/// <param name="Retained">Bytes the floor rose over the segment.</param>
/// <param name="SegmentHeadroom">Largest give-back within the segment (bytes).</param>
/// <param name="SettledRise">Rise of the troughs over the segment (bytes).</param>
/// <param name="SettledSeconds">Time over which the troughs rose.</param>
/// <param name="GiveBacks">Drops between samples that undo several seconds of the segment's growth.</param>
/// <param name="SampleSeconds">The expected spacing of samples.</param>
internal readonly record struct SegmentShape(
    LineFit Line, CurvatureFit Curve, JumpProfile Jumps, double Noise, double Step, double Retained,
    double SegmentHeadroom, double SettledRise, double SettledSeconds, int GiveBacks, double SampleSeconds);

/// <summary>A pattern and the rate (bytes/s) that describes it, with the rate's standard error.</summary>
internal readonly record struct Classification(GrowthPattern Pattern, double BytesPerSecond, double StandardError);
