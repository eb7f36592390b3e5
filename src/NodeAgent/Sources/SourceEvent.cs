using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Sources;

internal enum SourceEventKind
{
    Seen,
    Sample,
    Exit,
}

/// <summary>
/// What a memory source (the eBPF probe or procfs) says about one process. Times are seconds on
/// CLOCK_MONOTONIC (<see cref="MonotonicClock"/>), the clock bpf_ktime_get_ns() reads.
/// </summary>
internal readonly record struct SourceEvent(
    SourceEventKind Kind,
    ProcessKey Key,
    string Comm,
    RssSample Sample,
    double FirstSeen,
    long PeakRssBytes,
    ulong CgroupId);
