using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

public class ProcessGrowthTests
{
    private const double MiB = Trace.MiB;

    [Fact]
    public void Should_start_empty()
    {
        var growth = new ProcessGrowth(GrowthSettings.Default);

        Assert.Null(growth.Latest);
        Assert.True(double.IsNaN(growth.FirstSeen));
        Assert.False(growth.IsDetected);
        Assert.Equal(GrowthAssessment.None, growth.Current);
        Assert.Equal(DetectionChange.None, growth.AdvanceTo(100));
    }

    [Fact]
    public void Should_remember_the_first_and_latest_samples()
    {
        var growth = new ProcessGrowth(GrowthSettings.Default);
        var first = new RssSample(10, 1, 2, 3, 4);
        var second = new RssSample(11, 5, 6, 7, 8);

        growth.Observe(first);
        growth.Observe(second);
        growth.AdvanceTo(20);

        Assert.Equal(10, growth.FirstSeen);
        Assert.Equal(second, growth.Latest);
    }

    [Fact]
    public void Should_measure_the_footprint_including_swap()
    {
        // A leak being paged out is still a leak: RSS flat, swap growing.
        var growth = new ProcessGrowth(GrowthSettings.Default);
        for (int i = 0; i <= 30; i++)
        {
            growth.Observe(new RssSample(i, (long)(10 * MiB), (long)(20 * MiB), (long)(i * MiB), 0));
        }

        Assert.True(growth.IsDetected);
        Assert.InRange(growth.Current.BytesPerSecond / MiB, 0.99, 1.01);
    }

    [Fact]
    public void Should_ignore_a_sample_older_than_the_latest()
    {
        var growth = new ProcessGrowth(GrowthSettings.Default);
        growth.Observe(Feed.Sample(10, MiB));

        Assert.Equal(DetectionChange.None, growth.Observe(Feed.Sample(9, 100 * MiB)));
        Assert.Equal(10, growth.Latest!.Value.Time);
    }

    [Fact]
    public void Should_reject_a_time_that_is_not_a_number()
    {
        var growth = new ProcessGrowth(GrowthSettings.Default);

        Assert.Throws<ArgumentOutOfRangeException>(() => growth.Observe(Feed.Sample(double.NaN, MiB)));
        Assert.Throws<ArgumentOutOfRangeException>(() => growth.AdvanceTo(double.PositiveInfinity));
    }

    [Fact]
    public void Should_keep_when_growth_began_after_it_outlives_the_window()
    {
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(20).Grow(MiB, 500).Build(50 * 1024));

        Assert.True(feed.Growth.IsDetected);
        Assert.InRange(feed.Growth.Current.GrowthStartedAt - Feed.T0, 18, 21);
    }

    [Fact]
    public void Should_report_growth_start_nan_when_stable()
    {
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(60).Build(100 * 1024));

        Assert.Equal(GrowthPattern.Stable, feed.Growth.Current.Pattern);
        Assert.True(double.IsNaN(feed.Growth.Current.GrowthStartedAt));
        Assert.Equal(0, feed.Growth.Current.Confidence);
    }

    [Fact]
    public void Should_keep_confidence_and_severity_within_0_and_1()
    {
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(20).Accelerate(MiB, 40).Build(MiB));

        Assert.All(feed.History, a =>
        {
            Assert.InRange(a.Confidence, 0, 1);
            Assert.InRange(a.Severity, 0, 1);
        });
    }
}
