using MemGrowth.Shared.Growth;

namespace MemGrowth.Validation.Corpus;

/// <summary>
/// One concrete process (or burst of short-lived processes) of a scenario run, its randomised parameters
/// drawn: what the runner starts, and the label every process it yields is scored against.
/// </summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="Expect">The label.</param>
/// <param name="Pattern">The pattern a leak should be classified as; null unless a leak.</param>
/// <param name="StartDelaySeconds">Seconds after the scenario's start to launch it.</param>
/// <param name="Grower">The grower to run; null for a burst of short-lived processes.</param>
/// <param name="Placement">How the grower is started.</param>
/// <param name="LimitBytes">The memory limit, for <see cref="Placement.LimitedCgroup"/>.</param>
/// <param name="ShortLived">For a burst of short-lived processes: how many, at ten per second.</param>
/// <param name="LeakAfterSeconds">Seconds from the grower's start to the start of its leak (0 for most; the first tooth for gc-leak).</param>
/// <param name="GrowthSeconds">Seconds from the leak start to when the growth stops.</param>
/// <param name="PeriodSeconds">For periodic ambiguous processes: the cycle after which no new detection is allowed.</param>
public sealed record Launch(
    string Scenario,
    Expectation Expect,
    GrowthPattern? Pattern,
    double StartDelaySeconds,
    GrowerSpec? Grower,
    Placement Placement = Placement.Direct,
    long? LimitBytes = null,
    int ShortLived = 0,
    double LeakAfterSeconds = 0,
    double? GrowthSeconds = null,
    double? PeriodSeconds = null)
{
    public string Variant => Grower?.Describe() ?? $"{ShortLived} short-lived processes";
}
