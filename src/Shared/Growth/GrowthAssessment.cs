namespace MemGrowth.Shared.Growth;

/// <summary>
/// The current judgement about one process's memory growth.
/// </summary>
/// <param name="Pattern">Shape of the current growth; <see cref="GrowthPattern.Stable"/> when there is none.</param>
/// <param name="BytesPerSecond">
/// Rate of the current growth: the robust slope for linear and oscillating growth, the rate at the end of the
/// growth for accelerating growth, and the bytes the steps add per second (since the first step) for bursts.
/// Zero when stable.
/// </param>
/// <param name="Confidence">How sure we are that this is a leak, in [0, 1].</param>
/// <param name="GrowthStartedAt">Time (seconds, monotonic) at which the current growth began; NaN when stable.</param>
/// <param name="Severity">
/// How much the leak matters for this process, in [0, 1]: <c>1 - exp(-g)</c> where g is the growth expected over
/// <see cref="GrowthSettings.SeverityHorizonSeconds"/> at <paramref name="BytesPerSecond"/>, relative to the
/// current footprint. 0.63 means the process would roughly double within the horizon; zero when stable.
/// </param>
public sealed record GrowthAssessment(
    GrowthPattern Pattern,
    double BytesPerSecond,
    double Confidence,
    double GrowthStartedAt,
    double Severity)
{
    /// <summary>The assessment of a process with no growth.</summary>
    public static GrowthAssessment None { get; } = new(GrowthPattern.Stable, 0, 0, double.NaN, 0);
}
