using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Tests;

/// <summary>Detections of one leaking process of a systemd service "api", as the agent would send them.</summary>
internal static class Detections
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    /// <param name="seconds">Time of the detection after <see cref="T0"/>.</param>
    public static Detection Of(LeakId leak, DetectionKind kind, double seconds, double confidence, long? limitBytes = null, double? secondsToLimit = null) => new(
        kind,
        T0.AddSeconds(seconds),
        new DetectedProcess(leak.Host, leak.Process, T0.AddMinutes(-5), "api", "/usr/bin/api", "/system.slice/api.service", null, T0.AddMinutes(-5)),
        new GrowthVerdict(GrowthPattern.Linear, 1 << 20, confidence, T0.AddSeconds(-6)),
        new MemoryUsage(100 << 20, 90 << 20, 10 << 20, 0, 0),
        new MemoryLimit(limitBytes, secondsToLimit));

    /// <summary><paramref name="d"/> of a process in another cgroup.</summary>
    public static Detection InCgroup(Detection d, string cgroup) => d with { Process = d.Process with { Cgroup = cgroup } };

    /// <summary><paramref name="d"/> growing at another rate.</summary>
    public static Detection Growing(Detection d, double bytesPerSecond) => d with { Growth = d.Growth with { BytesPerSecond = bytesPerSecond } };

    /// <summary>Samples a second apart, <paramref name="fromSeconds"/> to <paramref name="toSeconds"/> after <see cref="T0"/>: RSS 100 MiB plus 1 MiB a second.</summary>
    public static MemorySamples Samples(int fromSeconds, int toSeconds) => new(Enumerable.Range(fromSeconds, toSeconds - fromSeconds + 1).Select(s =>
        new MemorySample(T0.AddSeconds(s), (100L + s) << 20, (90L + s) << 20, 10 << 20, s)));
}
