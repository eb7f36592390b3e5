using MemGrowth.Tools.Bench;
using Xunit;

namespace MemGrowth.Tools.Tests.Bench;

public sealed class StatsTests
{
    [Theory]
    [InlineData(new[] { 5.0 }, 5.0)]
    [InlineData(new[] { 3.0, 1.0, 2.0 }, 2.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    [InlineData(new[] { 1.0, 1.0, 1000.0 }, 1.0)]
    public void Should_take_the_middle_value_or_the_mean_of_the_two_middle_values(double[] values, double median) =>
        Assert.Equal(median, Stats.Median(values));

    [Fact]
    public void Should_refuse_the_median_of_nothing() =>
        Assert.Throws<ArgumentException>(() => Stats.Median(Array.Empty<double>()));

    [Theory]
    [InlineData(0.50, 50.0)]
    [InlineData(0.95, 95.0)]
    [InlineData(0.99, 99.0)]
    [InlineData(1.00, 100.0)]
    [InlineData(0.00, 1.0)]
    public void Should_take_the_nearest_rank_quantile(double q, double expected) =>
        Assert.Equal(expected, Stats.Quantile([.. Enumerable.Range(1, 100).Select(i => (double)i)], q));
}
