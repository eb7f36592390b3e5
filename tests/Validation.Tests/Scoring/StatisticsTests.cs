using MemGrowth.Validation.Scoring;
using Xunit;

namespace MemGrowth.Validation.Tests.Scoring;

public class StatisticsTests
{
    [Fact]
    public void Spearman_is_one_for_any_increasing_relation_and_minus_one_for_a_decreasing_one()
    {
        double[] x = [1, 2, 3, 4, 5, 6];

        Assert.Equal(1, Statistics.Spearman(x, [.. x.Select(v => v * v * v)]), 12);
        Assert.Equal(-1, Statistics.Spearman(x, [.. x.Select(v => 100 - Math.Exp(v))]), 12);
    }

    [Fact]
    public void Spearman_gives_tied_values_their_average_rank()
    {
        // x ranks 1, 2.5, 2.5, 4; y ranks 1, 3, 2, 4. Deviations from 2.5: (-1.5, 0, 0, 1.5) and (-1.5, 0.5, -0.5, 1.5),
        // so r = 4.5 / sqrt(4.5 · 5) = sqrt(0.9). The no-ties shortcut 1 − 6Σd²/n(n²−1) would say 0.95.
        Assert.Equal(Math.Sqrt(0.9), Statistics.Spearman([1, 2, 2, 3], [10, 30, 20, 40]), 12);
    }

    [Fact]
    public void Spearman_is_undefined_for_fewer_than_three_pairs_or_a_constant_side()
    {
        Assert.True(double.IsNaN(Statistics.Spearman([1, 2], [1, 2])));
        Assert.True(double.IsNaN(Statistics.Spearman([1, 2, 3], [0.5, 0.5, 0.5])));
        Assert.Throws<ArgumentException>(() => Statistics.Spearman([1, 2, 3], [1, 2]));
    }

    [Fact]
    public void Latency_summarises_durations_and_is_empty_without_any()
    {
        var stats = Statistics.Latency([10, 2, 8, 4, 6]);

        Assert.Equal(new LatencyStats(5, 6, 2, 6, 9.6, 10), stats with { P95 = Math.Round(stats.P95, 9) });
        Assert.Same(LatencyStats.Empty, Statistics.Latency([]));
    }
}
