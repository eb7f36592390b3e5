using MemGrowth.Shared.Growth;

namespace MemGrowth.NodeAgent.Sources;

/// <summary>One process as /proc shows it at one moment: identity, parentage and memory by type, in bytes.</summary>
public readonly record struct ProcfsProcess(
    ProcessKey Key,
    string Comm,
    char State,
    int Ppid,
    bool IsKernelThread,
    long FileBytes,
    long AnonBytes,
    long SwapBytes,
    long ShmemBytes)
{
    public long RssBytes => FileBytes + AnonBytes + ShmemBytes;

    /// <summary>The same numbers as the probe sends, stamped with <paramref name="time"/> (monotonic seconds).</summary>
    public RssSample ToSample(double time) => new(time, FileBytes, AnonBytes, SwapBytes, ShmemBytes);
}
