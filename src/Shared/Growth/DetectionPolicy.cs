namespace MemGrowth.Shared.Growth;

/// <summary>
/// Hysteresis between successive assessments, so consumers get a few meaningful events rather than a
/// stream of confidences: raise when confidence reaches the threshold; resolve only when the growth stopped
/// (the assessment is <see cref="GrowthPattern.Stable"/>: flat for long enough, or memory returned) or its
/// rate fell below half the minimum — never because confidence dipped, since the evidence of a slow leak
/// under jitter wavers from sample to sample while the leak goes on; and in between report changes only
/// when they are material, and not more often than the update interval.
/// </summary>
internal sealed class DetectionPolicy
{
    /// <summary>A detected leak resolves once slower than this share of the minimum rate, so one hovering at the minimum does not flap.</summary>
    private const double ResolveRateFraction = 0.5;

    private readonly GrowthSettings _settings;
    private GrowthAssessment _reported = GrowthAssessment.None;
    private double _reportedAt = double.NegativeInfinity;

    public DetectionPolicy(GrowthSettings settings) => _settings = settings;

    public bool IsDetected { get; private set; }

    public DetectionChange Decide(GrowthAssessment current, double now)
    {
        if (!IsDetected)
        {
            if (current.Pattern == GrowthPattern.Stable || current.Confidence < _settings.ConfidenceThreshold)
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
            return DetectionChange.Resolved;
        }

        if (now - _reportedAt < _settings.UpdateIntervalSeconds || !IsMaterialChange(current))
        {
            return DetectionChange.None;
        }

        Report(current, now);
        return DetectionChange.Updated;
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
