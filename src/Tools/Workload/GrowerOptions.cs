namespace MemGrowth.Tools.Workload;

/// <summary>What <c>memgrowth grow</c> is told (the executable's grow command parses and checks it).</summary>
/// <param name="RateMegabytes">MB per second, where a MB is 2^20 bytes (what /proc's kB = 1024 bytes adds up to).</param>
/// <param name="PeriodSeconds">The pattern's cycle (<see cref="DefaultPeriod"/> when not given).</param>
/// <param name="HoldSeconds">Seconds to keep holding the memory, flat, after <paramref name="DurationSeconds"/> of growth.</param>
/// <param name="LeakMegabytes">gc-leak only (0 otherwise): MB per second its troughs rise.</param>
/// <param name="NoiseMegabytes">The most a separate jitter region holds, re-drawn each second; 0 for none.</param>
/// <param name="Seed">Seeds the jitter, so a run can be repeated.</param>
/// <param name="DelaySeconds">Seconds the process lives, flat, before the pattern starts (a service that leaks once it serves).</param>
public sealed record GrowerOptions(
    GrowthPattern Pattern,
    double RateMegabytes,
    int DurationSeconds,
    MemoryKind Memory,
    int PeriodSeconds,
    int HoldSeconds,
    double LeakMegabytes = 0,
    double NoiseMegabytes = 0,
    int Seed = 1,
    double DelaySeconds = 0)
{
    public const long BytesPerMegabyte = 1 << 20;

    /// <summary>A sanity bound: a typo like --rate 80000 should not page the host out before anyone notices.</summary>
    public const double MaxRateMegabytes = 16384;

    public long RateBytes => (long)(RateMegabytes * BytesPerMegabyte);

    public long LeakBytes => (long)(LeakMegabytes * BytesPerMegabyte);

    public long NoiseBytes => (long)(NoiseMegabytes * BytesPerMegabyte);

    /// <summary>The cycle a pattern uses when --period is not given; 0 for patterns that have none.</summary>
    public static int DefaultPeriod(GrowthPattern pattern) => pattern switch
    {
        GrowthPattern.Oscillating or GrowthPattern.Sawtooth or GrowthPattern.GcLeak => 10,
        GrowthPattern.Burst => 20,
        GrowthPattern.Plateau => 3,
        GrowthPattern.Release => 5,
        _ => 0,
    };
}
