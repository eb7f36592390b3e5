using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Sources;

public enum SourceEventKind
{
    Seen,
    Sample,
    Exit,

    /// <summary>
    /// The kernel's OOM killer chose the process; its exit follows. The sample is its RSS at the kill,
    /// all zero when the kernel does not report it; a key with StartTicks 0 names the process by PID only.
    /// </summary>
    OomKill,
}

/// <summary>
/// What a memory source (the eBPF probe or procfs) says about one process. Times are seconds on
/// CLOCK_MONOTONIC (<see cref="MonotonicClock"/>), the clock bpf_ktime_get_ns() reads.
/// </summary>
public readonly record struct SourceEvent(
    SourceEventKind Kind,
    ProcessKey Key,
    string Comm,
    RssSample Sample,
    double FirstSeen,
    long PeakRssBytes,
    ulong CgroupId);
