namespace MemGrowth.Shared.Growth;

/// <summary>
/// One analysis of a process's window: the assessment plus the intermediate measures behind it, kept for
/// tests and diagnostics.
/// </summary>
/// <param name="Noise">Jitter scale of the window (bytes).</param>
/// <param name="Step">Smallest floor rise that is not jitter (bytes).</param>
/// <param name="PersistedSeconds">How long the floor kept rising in this episode.</param>
/// <param name="QuietSeconds">Time since the floor last rose.</param>
/// <param name="QuietAllowance">How long the floor may stay still before the growth counts as stopped.</param>
/// <param name="EffectiveGrowthBytes">Growth that cannot be the current tooth of a sawtooth.</param>
/// <param name="HeadroomBytes">Largest amount this process was seen to give back.</param>
/// <param name="StartsAtWindowEdge">The episode reaches back to the oldest point kept: it may have begun earlier.</param>
internal readonly record struct GrowthEvidence(
    GrowthAssessment Assessment,
    double Noise,
    double Step,
    double PersistedSeconds,
    double QuietSeconds,
    double QuietAllowance,
    double EffectiveGrowthBytes,
    double HeadroomBytes,
    bool StartsAtWindowEdge)
{
    public static GrowthEvidence None(double noise, double step, double headroom) =>
        new(GrowthAssessment.None, noise, step, 0, double.PositiveInfinity, 0, 0, headroom, false);
}
