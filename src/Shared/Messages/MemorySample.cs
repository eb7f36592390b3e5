namespace MemGrowth.Shared.Messages;

/// <summary>
/// One observation of a process's memory behind a detection: when (UTC, whole milliseconds: what the wire
/// keeps) and how much, in bytes. RSS is anon + file + shmem; swap is apart, as in the agent's samples.
/// </summary>
public readonly record struct MemorySample(DateTimeOffset Time, long RssBytes, long AnonBytes, long FileBytes, long SwapBytes);
