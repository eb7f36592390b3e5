using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Actors;

/// <summary>What every tracker shares: the growth settings, the host, and where detections go.</summary>
public sealed record TrackerSettings(
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

    /// <summary>
    /// Whether MemGrowth's own nodes on the host (other <c>memgrowth run</c>, <c>agent</c> and <c>analytics</c>
    /// processes, see <see cref="MemGrowthNode"/>) are reported like any process; off by default.
    /// </summary>
    public bool WatchSelf { get; init; }

    /// <summary>
    /// Samples of a process younger than this are its start-up (exec, the loader, a runtime mapping its
    /// libraries), not evidence of growth: a 30 MB start followed by a 1 MB/s leak is a 1 MB/s leak.
    /// </summary>
    public double StartupGraceSeconds { get; init; } = 1;
}
