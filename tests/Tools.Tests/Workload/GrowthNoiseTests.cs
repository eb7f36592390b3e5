using MemGrowth.Tools.Workload;
using Xunit;

namespace MemGrowth.Tools.Tests.Workload;

public sealed class GrowthNoiseTests
{
    private const int Page = 4096;
    private const long Max = 10L << 20;

    [Fact]
    public void Should_draw_whole_pages_between_zero_and_the_most()
    {
        var sizes = Draw(new GrowthNoise(Max, seed: 1, Page), 10_000);

        Assert.All(sizes, s => Assert.InRange(s, 0, Max));
        Assert.All(sizes, s => Assert.Equal(0, s % Page));
    }

    [Fact]
    public void Should_spread_the_draws_over_the_whole_range()
    {
        var sizes = Draw(new GrowthNoise(Max, seed: 3, Page), 10_000);

        // Uniform: near both ends, averaging the middle, and re-drawn rather than stuck.
        Assert.True(sizes.Min() < Max / 100, $"smallest {sizes.Min()}");
        Assert.True(sizes.Max() > Max * 99 / 100, $"largest {sizes.Max()}");
        Assert.InRange(sizes.Average(), Max * 0.47, Max * 0.53);
        Assert.True(sizes.Zip(sizes.Skip(1), (a, b) => a != b).Count(changed => changed) > 9_900);
    }

    [Fact]
    public void Should_repeat_with_the_same_seed_and_differ_with_another()
    {
        var first = Draw(new GrowthNoise(Max, seed: 7, Page), 100);
        var again = Draw(new GrowthNoise(Max, seed: 7, Page), 100);
        var other = Draw(new GrowthNoise(Max, seed: 8, Page), 100);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Should_draw_nothing_when_the_most_is_under_a_page()
    {
        Assert.All(Draw(new GrowthNoise(0, seed: 1, Page), 100), s => Assert.Equal(0, s));
        Assert.All(Draw(new GrowthNoise(Page - 1, seed: 1, Page), 100), s => Assert.Equal(0, s));
    }

    [Fact]
    public void Should_refuse_a_negative_most() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new GrowthNoise(-1, seed: 1, Page));

    private static long[] Draw(GrowthNoise noise, int count) =>
        Enumerable.Range(0, count).Select(_ => noise.NextBytes()).ToArray();
}
