namespace MemGrowth.NodeAgent.Sources;

/// <summary>
/// The memory lines of /proc/PID/status, in bytes. VmRSS = RssAnon + RssFile + RssShmem; all are zero
/// for kernel threads, which have no such lines.
/// </summary>
public readonly record struct ProcfsStatus(long VmRssBytes, long AnonBytes, long FileBytes, long ShmemBytes, long SwapBytes);
