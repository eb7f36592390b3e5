using MemGrowth.Validation.Baseline;
using Xunit;

namespace MemGrowth.Validation.Tests.Baseline;

public class PromQlTests
{
    [Fact]
    public void Deriv_of_an_exact_line_is_its_slope()
    {
        // Large values and a late clock, where the naive sums would lose the slope to rounding.
        ScrapedSample[] line = [.. Enumerable.Range(0, 20).Select(i => Sample(900_000 + (15 * i) + 7.3, 3e9 + (65_536 * 15.0 * i)))];

        Assert.Equal(65_536, PromQl.Deriv(line)!.Value, 6);
    }

    [Fact]
    public void Deriv_needs_two_samples_and_is_exactly_zero_on_a_constant_series()
    {
        Assert.Null(PromQl.Deriv([Sample(10, 5)]));
        Assert.Equal(0, PromQl.Deriv([Sample(10, 5e8), Sample(25, 5e8), Sample(40, 5e8)]));
    }

    [Fact]
    public void Predict_linear_extends_the_fitted_line_from_the_evaluation_time_and_gives_the_time_to_a_limit()
    {
        ScrapedSample[] line = [Sample(0, 1000), Sample(15, 2500), Sample(30, 4000)]; // 100 bytes/s

        Assert.Equal(4000 + (100 * 60), PromQl.PredictLinear(line, 30_000, 60)!.Value, 6);
        Assert.Equal(60, PromQl.SecondsToLimit(line, 30_000, 10_000)!.Value, 6);
        Assert.Null(PromQl.SecondsToLimit([Sample(0, 1000), Sample(15, 900)], 15_000, 10_000));
    }

    private static ScrapedSample Sample(double seconds, double value) => new((long)Math.Round(seconds * 1000), value);
}
