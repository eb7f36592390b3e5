using MemGrowth.Shared.Statistics;

namespace MemGrowth.Shared.Tests.Statistics;

public sealed class QuantileTests
{
    private static readonly double[] OneToHundred = [.. Enumerable.Range(1, 100).Select(i => (double)i)];

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Should_be_undefined_for_no_values(double q) =>
        Assert.True(double.IsNaN(Quantile.Of([], q)));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.95)]
    [InlineData(1.0)]
    public void Should_be_the_one_value_at_every_q(double q) =>
        Assert.Equal(7, Quantile.Of([7], q));

    [Theory]
    [InlineData(0.0, 1.0)]   // the minimum
    [InlineData(0.25, 2.0)]  // rank 4 · 0.25 = 1
    [InlineData(0.5, 3.0)]   // the middle of an odd count
    [InlineData(0.75, 4.0)]
    [InlineData(1.0, 5.0)]   // the maximum
    public void Should_return_an_order_statistic_where_the_rank_is_whole(double q, double expected) =>
        Assert.Equal(expected, Quantile.Of([1, 2, 3, 4, 5], q));

    [Theory]
    [InlineData(new[] { 1.0, 2.0 }, 0.5, 1.5)]                 // an even count's median: the mean of the middle two
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0 }, 0.95, 3.85)]    // rank 3 · 0.95 = 2.85: 3 + 0.85 · (4 − 3)
    [InlineData(new[] { 1.0, 2.0, 3.0, 4.0, 5.0 }, 0.9, 4.6)] // rank 3.6
    [InlineData(new[] { 2.0, 4.0, 6.0, 8.0, 10.0 }, 0.95, 9.6)]
    public void Should_interpolate_linearly_between_the_nearest_order_statistics(double[] values, double q, double expected) =>
        Assert.Equal(expected, Quantile.Of(values, q), 12);

    [Theory]
    [InlineData(0.50, 50.5)]
    [InlineData(0.95, 95.05)]
    [InlineData(0.99, 99.01)]
    public void Should_not_be_the_nearest_rank(double q, double expected) =>
        Assert.Equal(expected, Quantile.Of(OneToHundred, q), 9);

    [Fact]
    public void Should_sort_unsorted_values_without_reordering_them()
    {
        double[] values = [10, 2, 8, 4, 6];

        Assert.Equal(6, Quantile.Of(values, 0.5));
        Assert.Equal(9.6, Quantile.Of(values, 0.95), 12);
        Assert.Equal(2, Quantile.Of(values, 0));
        Assert.Equal([10, 2, 8, 4, 6], values);
    }

    [Fact]
    public void Should_keep_tied_and_infinite_values_exact()
    {
        Assert.Equal(3, Quantile.Of([3, 3, 3, 3], 0.37));
        Assert.Equal(double.PositiveInfinity, Quantile.Of([1, double.PositiveInfinity], 1));
        Assert.Equal(1, Quantile.Of([1, double.PositiveInfinity], 0));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(95.0)]
    [InlineData(double.NaN)]
    public void Should_refuse_a_q_outside_zero_to_one(double q) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantile.Of([1, 2, 3], q));

    [Fact]
    public void Should_refuse_NaN_values() =>
        Assert.Throws<ArgumentException>(() => Quantile.Of([1, double.NaN, 3], 0.5));
}
