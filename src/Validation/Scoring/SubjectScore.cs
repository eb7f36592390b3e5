using MemGrowth.Shared.Growth;

namespace MemGrowth.Validation.Scoring;

/// <summary>The score of one <see cref="SubjectRun"/>; null where a measure does not apply.</summary>
/// <param name="LatencySeconds">Leak start to the first growth_detected.</param>
/// <param name="PatternAtDetection">The pattern of the first growth_detected.</param>
/// <param name="SettledPattern">The pattern of the last report made while the leak still grew (what an operator sees).</param>
/// <param name="RateError">Relative error of the settled report's rate against the rate /proc shows over the growth, from where the report says it began (0.02 = 2 % high).</param>
/// <param name="Severity">The leak's true rate from /proc, bytes/s; 0 for processes that do not leak.</param>
/// <param name="Confidence">The highest confidence the agent reported; 0 when it reported nothing.</param>
/// <param name="TrackSeconds">Process start to the agent's first trace line about it.</param>
/// <param name="CleanupSeconds">Process exit to the agent handling it.</param>
/// <param name="ResolveSeconds">Ambiguous: growth end to growth_resolved (or exit) of the last detection.</param>
/// <param name="LimitCorrect">For a process under a memory limit: whether a report carried that limit.</param>
public sealed record SubjectScore(
    SubjectRun Run,
    Outcome Outcome,
    double? LatencySeconds,
    GrowthPattern? PatternAtDetection,
    GrowthPattern? SettledPattern,
    double? RateError,
    double Severity,
    double Confidence,
    double? TrackSeconds,
    double? CleanupSeconds,
    double? ResolveSeconds,
    bool? LimitCorrect);
