namespace MemGrowth.Tools.Workload;

/// <summary>
/// Pure: the sizes of the allocator-jitter region, one a second, each a uniform draw in [0, max]
/// rounded down to whole pages (so growing and freeing the difference lands exactly on it). The same
/// seed gives the same sizes.
/// </summary>
internal sealed class GrowthNoise
{
    private readonly Random _random;
    private readonly int _pageSize;

    public GrowthNoise(long maxBytes, int seed, int pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        MaxBytes = maxBytes;
        _pageSize = pageSize;
        _random = new Random(seed);
    }

    public GrowthNoise(long maxBytes, int seed)
        : this(maxBytes, seed, Environment.SystemPageSize)
    {
    }

    public long MaxBytes { get; }

    /// <summary>The size the region should have for the next second.</summary>
    public long NextBytes() => _random.NextInt64(MaxBytes + 1) / _pageSize * _pageSize;
}
