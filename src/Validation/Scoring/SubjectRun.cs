using MemGrowth.Shared.Growth;
using MemGrowth.Validation.Corpus;

namespace MemGrowth.Validation.Scoring;

/// <summary>
/// Everything recorded about one labelled process of one scenario run. Times are CLOCK_MONOTONIC seconds;
/// null when it did not happen (a good process has no leak start, a process still running has no exit).
/// </summary>
/// <param name="Scenario">The scenario's name, e.g. "linear-1mb".</param>
/// <param name="Variant">The randomised parameters of this run, printed (e.g. "rate=1.21MB/s noise=0.4MB delay=2.1s seed=7").</param>
/// <param name="ExpectedPattern">The pattern a leak should be classified as; null for good and ambiguous processes.</param>
/// <param name="Launched">When the runner started the process.</param>
/// <param name="LeakStart">When the growth began (the grower's first growing second); null when it never grows.</param>
/// <param name="GrowthEnd">When the growth stopped (the grower's hold began, or it exited); null when it never grows.</param>
/// <param name="Period">The cycle of a periodic process (seconds): for an ambiguous one, the "not flagged again after one cycle" rule; for a burst leak, the spacing of its steps.</param>
/// <param name="Truth">/proc's VmRSS of the process, about once per second.</param>
/// <param name="Reports">What the agent said about the process, in order.</param>
/// <param name="FirstTracked">When the agent first had the process (its first trace line).</param>
/// <param name="ExitSeen">When the agent handled the process's exit (its exit trace line).</param>
/// <param name="ExpectedLimitBytes">The memory limit the process runs under, when the scenario sets one.</param>
/// <param name="ProcessStart">When the process started, on the same clock (from its start time in /proc, as the trace gives it).</param>
public sealed record SubjectRun(
    string Scenario,
    string Variant,
    Expectation Expect,
    GrowthPattern? ExpectedPattern,
    int Pid,
    double Launched,
    double? LeakStart,
    double? GrowthEnd,
    double? Exited,
    double? Period,
    IReadOnlyList<TruthPoint> Truth,
    IReadOnlyList<AgentReport> Reports,
    double? FirstTracked,
    double? ExitSeen,
    long? ExpectedLimitBytes,
    double? ProcessStart = null);
