using MemGrowth.NodeAgent.Cgroups;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Cgroups;

public sealed class CgroupLimitCacheTests
{
    private static readonly CgroupLimit Limit = new(true, 256 << 20, "/a");

    [Fact]
    public void Should_return_a_limit_until_its_lifetime_ends()
    {
        var cache = new CgroupLimitCache(TimeSpan.FromSeconds(10));
        cache.Put(CgroupHierarchy.Unified, "/a/b", Limit, now: 100);

        Assert.True(cache.TryGet(CgroupHierarchy.Unified, "/a/b", 109.9, out var hit));
        Assert.Equal(Limit, hit);
        Assert.False(cache.TryGet(CgroupHierarchy.Unified, "/a/b", 110, out _));
    }

    [Fact]
    public void Should_keep_hierarchies_apart()
    {
        var cache = new CgroupLimitCache(TimeSpan.FromSeconds(10));
        cache.Put(CgroupHierarchy.MemoryV1, "/a", Limit, now: 0);
        Assert.False(cache.TryGet(CgroupHierarchy.Unified, "/a", 1, out _));
    }

    [Fact]
    public void Should_stay_bounded_evicting_expired_entries_first()
    {
        var cache = new CgroupLimitCache(TimeSpan.FromSeconds(10), capacity: 2);
        cache.Put(CgroupHierarchy.Unified, "/old", Limit, now: 0);
        cache.Put(CgroupHierarchy.Unified, "/live", Limit, now: 5);
        cache.Put(CgroupHierarchy.Unified, "/new", Limit, now: 12);

        Assert.Equal(2, cache.Count);
        Assert.True(cache.TryGet(CgroupHierarchy.Unified, "/live", 12, out _));
        Assert.True(cache.TryGet(CgroupHierarchy.Unified, "/new", 12, out _));

        cache.Put(CgroupHierarchy.Unified, "/newer", Limit, now: 13);
        Assert.True(cache.Count <= 2);
        Assert.True(cache.TryGet(CgroupHierarchy.Unified, "/newer", 13, out _));
    }

    [Fact]
    public void Should_refuse_a_lifetime_that_is_not_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CgroupLimitCache(TimeSpan.Zero));
}
