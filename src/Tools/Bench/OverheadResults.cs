using MemGrowth.Shared.Statistics;

namespace MemGrowth.Tools.Bench;

/// <summary>Part 1: the storm timed without the agent (before and after it ran) and with it.</summary>
internal sealed record StormResult(long Bytes, long Pages, IReadOnlyList<double> WithoutAgentMs, IReadOnlyList<double> WithAgentMs)
{
    /// <summary>The median: one slow storm (a page reclaim, a timer) must not move the headline number.</summary>
    public double MedianWithoutMs => Quantile.Of(WithoutAgentMs, 0.5);

    /// <summary>The median, as <see cref="MedianWithoutMs"/>.</summary>
    public double MedianWithMs => Quantile.Of(WithAgentMs, 0.5);

    public double Ratio => MedianWithMs / MedianWithoutMs;
}

/// <summary>Part 2: the kernel's own accounting of the rss_stat program while kernel.bpf_stats_enabled=1.</summary>
internal sealed record ProbeCostResult(string Program, int Storms, ulong RunCount, ulong RunTimeNs)
{
    public double NsPerHit => RunCount == 0 ? double.NaN : (double)RunTimeNs / RunCount;
}

/// <summary>Part 3: what the storms cost the probe in hits against what it sent to user space.</summary>
internal sealed record HitsResult(long PagesTouched, ulong Hits, ulong Samples, ulong RingDrops, ulong MapFull)
{
    public double SamplesPerHit => Hits == 0 ? double.NaN : (double)Samples / Hits;
}

/// <summary>Parts 4 and 5: one agent's steady-state cost over the measurement window.</summary>
internal sealed record AgentCostResult(
    string Source, int Growers, int GrowersAlive, int Idle, int TrackedProcesses, double Seconds,
    double CpuPercent, long RssBytes, double EventsPerSecond, double? ProbeSamplesPerSecond);

internal sealed record OverheadResults(
    string Command, BenchOptions Options, MachineInfo Machine, DateTimeOffset Started,
    StormResult Storm, ProbeCostResult? ProbeCost, HitsResult Hits,
    AgentCostResult GrowersCost, AgentCostResult BpfCost, AgentCostResult ProcfsCost);
