using System.Diagnostics;

namespace MemGrowth.NodeAgent.Sources;

/// <summary>
/// CLOCK_MONOTONIC in seconds (Stopwatch reads it on Linux), the clock of the probe's timestamps, and
/// the conversions to wall time and to /proc's start ticks.
/// </summary>
internal static class MonotonicClock
{
    /// <summary>USER_HZ: the unit of /proc/PID/stat's start time; 100 on every Linux architecture.</summary>
    public const long TicksPerSecond = 100;

    public static double NowSeconds => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    public static DateTimeOffset ToWallClock(double monotonicSeconds) =>
        DateTimeOffset.UtcNow - TimeSpan.FromSeconds(NowSeconds - monotonicSeconds);

    public static ulong BoottimeNsToTicks(ulong ns) => ns / (1_000_000_000UL / TicksPerSecond);
}
