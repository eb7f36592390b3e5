using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

public class ConfidenceTests
{
    private const double MiB = Trace.MiB;
    private const double KiB = Trace.KiB;

    [Theory]
    // Faster at the same age.
    [InlineData(64, 30, 1024, 30)]
    [InlineData(32, 60, 128, 60)]
    [InlineData(256, 8, 4096, 8)]
    // Longer at the same rate.
    [InlineData(1024, 6, 1024, 12)]
    [InlineData(64, 25, 64, 90)]
    [InlineData(32, 60, 32, 200)]
    // Both.
    [InlineData(64, 20, 1024, 60)]
    public void Should_be_more_confident_of_a_faster_or_longer_leak(double slowKiB, int slowSeconds, double fastKiB, int fastSeconds)
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            double weak = ConfidenceAfter(slowKiB * KiB, slowSeconds, seed);
            double strong = ConfidenceAfter(fastKiB * KiB, fastSeconds, seed);

            Assert.True(strong > weak, $"seed {seed}: {fastKiB} KiB/s for {fastSeconds} s gave {strong}, {slowKiB} KiB/s for {slowSeconds} s gave {weak}");
        }
    }

    [Fact]
    public void Should_rate_severity_by_growth_relative_to_the_process()
    {
        double Severity(double baseline, double rate) =>
            Feed.Run(new Trace(baseline).Grow(rate, 60).Build()).Growth.Current.Severity;

        Assert.True(Severity(30 * MiB, 256 * KiB) > Severity(30 * MiB, 64 * KiB));
        Assert.True(Severity(30 * MiB, 64 * KiB) > Severity(4096 * MiB, 64 * KiB));
        Assert.InRange(Severity(4096 * MiB, 64 * KiB), 0.04, 0.06);
    }

    [Fact]
    public void Should_give_no_confidence_below_the_minimum_rate_or_duration_or_headroom()
    {
        GrowthSettings settings = GrowthSettings.Default;

        Assert.Equal(0, Confidence.Compute(16 * KiB, 1, 60, 10 * MiB, 100 * KiB, settings));
        Assert.Equal(0, Confidence.Compute(MiB, 1, 4, 10 * MiB, 100 * KiB, settings));
        Assert.Equal(0, Confidence.Compute(MiB, 1, 60, 0, 100 * KiB, settings));
        Assert.InRange(Confidence.Compute(MiB, 1, 60, 10 * MiB, 100 * KiB, settings), 0.99, 1);
    }

    [Fact]
    public void Should_rise_with_each_kind_of_evidence()
    {
        GrowthSettings settings = GrowthSettings.Default;
        double previous = 0;
        foreach (double seconds in new[] { 4.5, 5, 6, 8 })
        {
            double c = Confidence.Compute(100 * KiB, 10 * KiB, seconds, MiB, 200 * KiB, settings);
            Assert.True(c > previous);
            previous = c;
        }

        previous = 0;
        foreach (double error in new[] { 100 * KiB, 30 * KiB, 10 * KiB, 3 * KiB })
        {
            double c = Confidence.Compute(100 * KiB, error, 10, MiB, 200 * KiB, settings);
            Assert.True(c > previous);
            previous = c;
        }

        previous = 0;
        foreach (double grown in new[] { 100 * KiB, 300 * KiB, MiB })
        {
            double c = Confidence.Compute(100 * KiB, 10 * KiB, 10, grown, 200 * KiB, settings);
            Assert.True(c > previous);
            previous = c;
        }
    }

    private static double ConfidenceAfter(double rate, int seconds, int seed)
    {
        // 20 s flat first; jitter of 100 KiB, or a fifth of a second's growth for fast leaks.
        Feed feed = Feed.Run(new Trace(100 * MiB).Flat(20).Grow(rate, seconds).Build(Math.Max(100 * KiB, rate / 5), seed));
        return feed.Growth.Current.Confidence;
    }
}
