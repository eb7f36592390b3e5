using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

public class EstimatorTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(301)]
    public void Should_select_the_median_like_sorting_does(int count)
    {
        var random = new Random(count);
        for (int round = 0; round < 50; round++)
        {
            double[] values = Enumerable.Range(0, count).Select(_ => Math.Round(random.NextDouble() * 20)).ToArray();
            double[] sorted = values.Order().ToArray();

            Assert.Equal(sorted[count / 2], Selection.Median(values));
        }
    }

    [Theory]
    [InlineData(64 * 1024.0, 0.2)]
    [InlineData(1024 * 1024.0, 0.2)]
    [InlineData(50 * 1024 * 1024.0, 0.05)]
    public void Should_estimate_the_slope_within_3_percent_on_steady_growth_with_noise(double rate, double noiseShare)
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            double[] y = new Trace(100 * Trace.MiB).Grow(rate, 60).Build(noiseShare * rate * 5, seed);
            LineFit fit = Fit(y);

            Assert.InRange(fit.Slope / rate, 0.97, 1.03);
        }
    }

    [Fact]
    public void Should_ignore_wild_samples_that_pull_least_squares_off()
    {
        const double rate = Trace.MiB;
        var random = new Random(3);
        double[] y = new Trace(100 * Trace.MiB).Grow(rate, 99).Build(50 * Trace.KiB, 3);
        for (int i = 0; i < y.Length; i += 10)
        {
            // One sample in ten is a transient: 20-80 MiB that is gone the next second.
            y[i] += (20 + (random.NextDouble() * 60)) * Trace.MiB;
        }

        LineFit fit = Fit(y);

        Assert.InRange(fit.Slope / rate, 0.97, 1.03);
        Assert.True(Math.Abs((LeastSquaresSlope(y) / rate) - 1) > 0.03, "the outliers should matter to plain least squares");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Should_measure_jitter_whatever_the_trend(double curvature)
    {
        const double amplitude = 300 * Trace.KiB;
        double sigma = amplitude / Math.Sqrt(3);
        var trace = new Trace(100 * Trace.MiB);
        double[] y = (curvature > 0 ? trace.Accelerate(curvature * Trace.MiB, 150) : trace.Grow(Trace.MiB, 150)).Build(amplitude, 11);
        double estimate = NoiseEstimator.Estimate(y, new double[y.Length], 1);

        Assert.InRange(estimate / sigma, 0.75, 1.25);
    }

    [Fact]
    public void Should_not_report_less_noise_than_the_floor()
    {
        double[] flat = new Trace(100 * Trace.MiB).Flat(100).Build();

        Assert.Equal(16 * 1024, NoiseEstimator.Estimate(flat, new double[flat.Length], 16 * 1024));
    }

    [Fact]
    public void Should_find_a_clean_curvature_and_its_current_rate()
    {
        // i MiB in second i: the rate at second 20 is 20 MiB/s.
        double[] y = new Trace(30 * Trace.MiB).Accelerate(Trace.MiB, 20).Build();
        double[] t = Enumerable.Range(0, y.Length).Select(i => (double)i).ToArray();
        double[] weights = Enumerable.Repeat(1.0, y.Length).ToArray();

        CurvatureFit curve = Curvature.Fit(t, y, weights, 10, new double[y.Length], 16 * 1024);

        Assert.InRange(curve.C2, 0.49 * Trace.MiB, 0.51 * Trace.MiB);
        Assert.InRange(curve.SlopeAtEnd / Trace.MiB, 20, 21);
        Assert.True(curve.TStatistic > 100);
    }

    private static LineFit Fit(double[] y)
    {
        double[] t = Enumerable.Range(0, y.Length).Select(i => 1000.0 + i).ToArray();
        return RobustLine.Fit(t, y, new double[y.Length], new double[y.Length], 16 * 1024);
    }

    private static double LeastSquaresSlope(double[] y)
    {
        double meanT = (y.Length - 1) / 2.0;
        double meanY = y.Average();
        double sxy = 0, sxx = 0;
        for (int i = 0; i < y.Length; i++)
        {
            sxy += (i - meanT) * (y[i] - meanY);
            sxx += (i - meanT) * (i - meanT);
        }

        return sxy / sxx;
    }
}
