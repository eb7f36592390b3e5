using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>Which process a detection is about, as its node saw it: where it runs, who it is, what holds it.</summary>
/// <param name="Host">The node's host name: with <see cref="Key"/>, the leak's identity (<see cref="LeakId"/>).</param>
/// <param name="Key">Pid and start time in clock ticks: a pid reused by a later process is another key.</param>
/// <param name="StartTime">When the process started (wall clock).</param>
/// <param name="Comm">The kernel's short name of the executable.</param>
/// <param name="Cmdline">The command line, arguments joined by spaces; empty when unreadable.</param>
/// <param name="Cgroup">The cgroup v2 path, when read.</param>
/// <param name="ContainerId">The container id the cgroup path names, if any.</param>
/// <param name="FirstSeen">When the node first saw the process (its probe, or its first procfs scan).</param>
public sealed record DetectedProcess(
    string Host,
    ProcessKey Key,
    DateTimeOffset StartTime,
    string Comm,
    string Cmdline,
    string? Cgroup,
    string? ContainerId,
    DateTimeOffset FirstSeen);

/// <summary>What the growth classifier made of the process's memory.</summary>
/// <param name="Pattern">The shape of the growth (stable for a resolved, exited or OOM-killed one without a leak).</param>
/// <param name="BytesPerSecond">The growth rate (its last estimate for a resolved detection).</param>
/// <param name="Confidence">How sure the classifier is that this is a leak, 0 to 1.</param>
/// <param name="Started">When the growth began (when first seen, if no start was found).</param>
public sealed record GrowthVerdict(
    GrowthPattern Pattern,
    double BytesPerSecond,
    double Confidence,
    DateTimeOffset Started);

/// <summary>The process's memory at the detection's last sample, in bytes (RSS and its parts, and swap).</summary>
public sealed record MemoryUsage(
    long RssBytes,
    long AnonBytes,
    long FileBytes,
    long ShmemBytes,
    long SwapBytes);

/// <summary>The memory limit over the process and when its growth reaches it.</summary>
/// <param name="Bytes">The cgroup's memory limit, null when none (or unread).</param>
/// <param name="SecondsToLimit">
/// Seconds until the cgroup's usage reaches <paramref name="Bytes"/> at the current rate; null without a limit,
/// without growth, and for an OOM kill (the limit was reached).
/// </param>
public sealed record MemoryLimit(
    long? Bytes,
    double? SecondsToLimit)
{
    /// <summary>No limit known, so no time to it.</summary>
    public static readonly MemoryLimit None = new(null, null);
}
