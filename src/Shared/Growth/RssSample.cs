namespace MemGrowth.Shared.Growth;

/// <summary>
/// One observation of a process's memory, by type, at <see cref="Time"/> seconds on a monotonic clock.
/// Sizes are bytes. RSS is file + anon + shmem; swap is kept apart because swapped-out memory is not
/// resident, yet a leak that is being paged out is still a leak (see <see cref="FootprintBytes"/>).
/// </summary>
public readonly record struct RssSample(
    double Time,
    long FileBytes,
    long AnonBytes,
    long SwapBytes,
    long ShmemBytes)
{
    public long RssBytes => FileBytes + AnonBytes + ShmemBytes;

    /// <summary>What growth is measured on: resident memory plus what was swapped out.</summary>
    public long FootprintBytes => RssBytes + SwapBytes;
}
