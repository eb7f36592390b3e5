namespace MemGrowth.Shared.Growth;

/// <summary>
/// Hysteresis between successive assessments, so consumers get a few meaningful events rather than a
/// stream of confidences: raise when confidence reaches the threshold; resolve only when the growth stopped
/// (the assessment is <see cref="GrowthPattern.Stable"/>: flat for long enough, or memory returned) or its
/// rate fell below half the minimum — never because confidence dipped, since the evidence of a slow leak
/// under jitter wavers from sample to sample while the leak goes on; and in between report changes only
/// when they are material, and not more often than the update interval. After a resolution the same
/// episode (growth that began before it) is raised again only once the footprint has grown by a full
/// detection's worth since: one jitter bump at the end of a plateau re-opens nothing.
/// </summary>
internal sealed class DetectionPolicy
{
    /// <summary>A detected leak resolves once slower than this share of the minimum rate, so one hovering at the minimum does not flap.</summary>
    private const double ResolveRateFraction = 0.5;

    private readonly GrowthSettings _settings;
    private GrowthAssessment _reported = GrowthAssessment.None;
    private double _reportedAt = double.NegativeInfinity;
    private double _resolvedAt = double.NegativeInfinity;
    private double _resolvedFootprint = double.NaN;

    public DetectionPolicy(GrowthSettings settings) => _settings = settings;

    public bool IsDetected { get; private set; }

    /// <param name="current">The latest assessment.</param>
    /// <param name="now">Its time (seconds).</param>
    /// <param name="footprintBytes">The footprint now; NaN when unknown (no re-raise guard then).</param>
    /// <param name="stepBytes">Smallest rise that is not jitter, at this footprint.</param>
    public DetectionChange Decide(GrowthAssessment current, double now, double footprintBytes = double.NaN, double stepBytes = 0)
    {
        if (!IsDetected)
        {
            if (current.Pattern == GrowthPattern.Stable
                || current.Confidence < _settings.ConfidenceThreshold
                || IsResolvedEpisode(current, footprintBytes, stepBytes))
            {
                return DetectionChange.None;
            }

            IsDetected = true;
            Report(current, now);
            return DetectionChange.Detected;
        }

        if (current.Pattern == GrowthPattern.Stable
            || current.BytesPerSecond < ResolveRateFraction * _settings.MinGrowthBytesPerSecond)
        {
            IsDetected = false;
            _reported = GrowthAssessment.None;
            _resolvedAt = now;
            _resolvedFootprint = footprintBytes;
            return DetectionChange.Resolved;
        }

        if (now - _reportedAt < _settings.UpdateIntervalSeconds || !IsMaterialChange(current))
        {
            return DetectionChange.None;
        }

        Report(current, now);
        return DetectionChange.Updated;
    }

    /// <summary>
    /// The growth began before the last resolution and has not since added what a fresh detection needs:
    /// <see cref="GrowthSettings.MinGrowthSeconds"/> at its rate, and at least a step above the jitter.
    /// </summary>
    private bool IsResolvedEpisode(GrowthAssessment current, double footprintBytes, double stepBytes)
    {
        if (!(current.GrowthStartedAt <= _resolvedAt) || double.IsNaN(footprintBytes) || double.IsNaN(_resolvedFootprint))
        {
            return false;
        }

        double needed = Math.Max(current.BytesPerSecond * _settings.MinGrowthSeconds, stepBytes);
        return footprintBytes - _resolvedFootprint < needed;
    }

    private bool IsMaterialChange(GrowthAssessment current) =>
        current.Pattern != _reported.Pattern
        || Math.Abs(current.BytesPerSecond - _reported.BytesPerSecond) > _settings.UpdateRateChange * Math.Abs(_reported.BytesPerSecond)
        || Math.Abs(current.Confidence - _reported.Confidence) > _settings.UpdateConfidenceChange;

    private void Report(GrowthAssessment current, double now)
    {
        _reported = current;
        _reportedAt = now;
    }
}
