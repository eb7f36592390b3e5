using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MemGrowth.NodeAgent.Sources;

/// <summary>
/// CLOCK_MONOTONIC in seconds (Stopwatch reads it on Linux), the clock of the probe's timestamps, and
/// the conversions to wall time and to /proc's start ticks.
/// </summary>
public static partial class MonotonicClock
{
    /// <summary>USER_HZ: the unit of /proc/PID/stat's start time; 100 on every Linux architecture.</summary>
    public const long TicksPerSecond = 100;

    public static double NowSeconds => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;

    public static DateTimeOffset ToWallClock(double monotonicSeconds) =>
        DateTimeOffset.UtcNow - TimeSpan.FromSeconds(NowSeconds - monotonicSeconds);

    public static ulong BoottimeNsToTicks(ulong ns) => ns / (1_000_000_000UL / TicksPerSecond);

    /// <summary>
    /// How old a process was at <paramref name="monotonicSeconds"/>: process start times are on the boot
    /// clock (which also counts suspend), samples on the monotonic one.
    /// </summary>
    public static double AgeAt(double monotonicSeconds, ulong startTicks) =>
        AgeAt(monotonicSeconds, startTicks, BoottimeMinusMonotonic());

    /// <summary>The same, with the clocks' offset read once by the caller for a whole batch.</summary>
    public static double AgeAt(double monotonicSeconds, ulong startTicks, double boottimeMinusMonotonic) =>
        monotonicSeconds + boottimeMinusMonotonic - (startTicks / (double)TicksPerSecond);

    /// <summary>CLOCK_BOOTTIME minus CLOCK_MONOTONIC, in seconds: the time spent suspended since boot.</summary>
    public static unsafe double BoottimeMinusMonotonic()
    {
        const int clockBoottime = 7;
        long* ts = stackalloc long[2];
        var monotonic = NowSeconds;
        return ClockGetTime(clockBoottime, ts) == 0 ? ts[0] + (ts[1] / 1e9) - monotonic : 0;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static unsafe partial int ClockGetTime(int clock, long* timespec);
}
