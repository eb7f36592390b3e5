using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Actors;

/// <summary>What every tracker shares: the growth settings, the host, and where detections go.</summary>
internal sealed record TrackerSettings(
    GrowthSettings Growth,
    string Host,
    double SampleIntervalSeconds,
    TimeSpan LivenessSweep)
{
    /// <summary>
    /// The agent itself: its JIT and caches warm up for tens of seconds after start, which is not a
    /// leak worth an alert; its own footprint is in the status file instead.
    /// </summary>
    public int IgnoredPid { get; init; } = Environment.ProcessId;
}
