namespace MemGrowth.Shared.Growth;

/// <summary>
/// Growth analysis for one process, owned by one actor: feed it samples (<see cref="Observe"/>) and the
/// passing of time (<see cref="AdvanceTo"/>), and act on the <see cref="DetectionChange"/> it returns.
/// Pure: time only comes in through the arguments. Not thread-safe, by design (one owner).
/// </summary>
public sealed class ProcessGrowth
{
    private readonly GrowthWindow _window;
    private readonly GrowthAnalyzer _analyzer;
    private readonly DetectionPolicy _policy;

    /// <exception cref="ArgumentException">The settings fail <see cref="GrowthSettings.Validate"/>.</exception>
    public ProcessGrowth(GrowthSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _window = new GrowthWindow(settings.WindowSeconds, settings.SampleIntervalSeconds);
        _analyzer = new GrowthAnalyzer(settings, _window.Capacity);
        _policy = new DetectionPolicy(settings);
    }

    /// <summary>The latest assessment.</summary>
    public GrowthAssessment Current { get; private set; } = GrowthAssessment.None;

    /// <summary>True between a <see cref="DetectionChange.Detected"/> and the next <see cref="DetectionChange.Resolved"/>.</summary>
    public bool IsDetected => _policy.IsDetected;

    /// <summary>The latest real sample (not the flat points assumed for gaps); null before the first.</summary>
    public RssSample? Latest { get; private set; }

    /// <summary>Time of the first sample; NaN before it.</summary>
    public double FirstSeen { get; private set; } = double.NaN;

    /// <summary>The measures behind <see cref="Current"/>, for tests and diagnostics.</summary>
    internal GrowthEvidence Evidence { get; private set; } = GrowthEvidence.None(0, 0, 0);

    /// <summary>A new sample arrived. Samples older than the latest one are ignored (returns None).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sample's time is not a finite number.</exception>
    public DetectionChange Observe(RssSample sample)
    {
        if (!double.IsFinite(sample.Time))
        {
            throw new ArgumentOutOfRangeException(nameof(sample), sample.Time, "Sample time must be a finite number of seconds.");
        }

        if (!_window.Add(sample.Time, sample.FootprintBytes))
        {
            return DetectionChange.None;
        }

        if (Latest is null)
        {
            FirstSeen = sample.Time;
        }

        Latest = sample;
        return Reassess(sample.Time);
    }

    /// <summary>Time passed with no sample: the footprint is unchanged since the last one.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="now"/> is not a finite number.</exception>
    public DetectionChange AdvanceTo(double now)
    {
        if (!double.IsFinite(now))
        {
            throw new ArgumentOutOfRangeException(nameof(now), now, "Time must be a finite number of seconds.");
        }

        return _window.AdvanceTo(now) ? Reassess(now) : DetectionChange.None;
    }

    private DetectionChange Reassess(double now)
    {
        GrowthEvidence evidence = _analyzer.Analyze(_window.Times, _window.Values, _window.Filled);
        GrowthAssessment next = evidence.Assessment;

        // Once a long episode outlives the window its segment starts at the window's edge; it really
        // started when we first saw it, so keep the earlier start while the growth lasts.
        if (evidence.StartsAtWindowEdge
            && next.Pattern != GrowthPattern.Stable
            && Current.Pattern != GrowthPattern.Stable
            && Current.GrowthStartedAt < next.GrowthStartedAt)
        {
            next = next with { GrowthStartedAt = Current.GrowthStartedAt };
            evidence = evidence with { Assessment = next };
        }

        Evidence = evidence;
        Current = next;
        return _policy.Decide(next, now, _window.Values[^1], evidence.Step);
    }
}
