using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

/// <summary>The leaks the product must report, as synthetic traces at one sample per second.</summary>
public class LeakDetectionTests
{
    private const double MiB = Trace.MiB;
    private const double KiB = Trace.KiB;

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 20));

    [Fact]
    public void Should_detect_a_clean_1MiB_per_second_leak_6_seconds_after_it_starts()
    {
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(30).Grow(MiB, 60).Build());

        Reported detected = Assert.Single(feed.Events, e => e.Change == DetectionChange.Detected);
        Assert.Equal(Feed.T0 + 36, detected.Time);
        Assert.Equal(GrowthPattern.Linear, detected.Assessment.Pattern);
        Assert.Equal(MiB, detected.Assessment.BytesPerSecond, 1e-6);
        Assert.Equal(Feed.T0 + 30, detected.Assessment.GrowthStartedAt);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Should_detect_a_1MiB_per_second_leak_within_7_seconds_as_linear_at_the_right_rate(int seed)
    {
        // 30 s at a 30 MiB baseline, then 1 MiB/s with ±50 KiB of jitter; the last flat sample starts the leak.
        // (Over 1000 seeds: 998 detected at 6 s, 2 at 7 s; rate error at detection at most 1.7%.)
        const int flat = 30;
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(flat).Grow(MiB, 60).Build(50 * KiB, seed));

        Reported detected = Assert.Single(feed.Events, e => e.Change == DetectionChange.Detected);
        Assert.InRange(detected.Time - (Feed.T0 + flat), 1, 7);
        Assert.Equal(GrowthPattern.Linear, detected.Assessment.Pattern);
        Assert.InRange(detected.Assessment.BytesPerSecond / MiB, 0.97, 1.03);
        Assert.InRange(detected.Assessment.GrowthStartedAt - Feed.T0, flat - 1, flat + 1);
        Assert.DoesNotContain(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.InRange(feed.Growth.Current.BytesPerSecond / MiB, 0.99, 1.01);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Should_detect_a_64KiB_per_second_leak_within_60_seconds(int seed)
    {
        const int flat = 20;
        Feed feed = Feed.Run(new Trace(200 * MiB).Flat(flat).Grow(64 * KiB, 240).Build(100 * KiB, seed));

        Assert.NotNull(feed.FirstDetection);
        Assert.InRange(feed.FirstDetection!.Value - (Feed.T0 + flat), 1, 60);
        Assert.DoesNotContain(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.Equal(GrowthPattern.Linear, feed.Growth.Current.Pattern);
        Assert.InRange(feed.Growth.Current.BytesPerSecond / (64 * KiB), 0.95, 1.05);
    }

    [Fact]
    public void Should_call_growth_that_allocates_i_MiB_in_second_i_accelerating()
    {
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(10).Accelerate(MiB, 20).Build(50 * KiB));

        Assert.InRange(feed.FirstDetection!.Value - (Feed.T0 + 10), 1, 10);
        Assert.Equal(GrowthPattern.Accelerating, feed.Growth.Current.Pattern);

        // The rate reported is the current one: 20 MiB in the last second.
        Assert.InRange(feed.Growth.Current.BytesPerSecond / MiB, 18, 22);
        Assert.All(feed.Events.Skip(1), e => Assert.Equal(GrowthPattern.Accelerating, e.Assessment.Pattern));
    }

    [Fact]
    public void Should_detect_growth_that_alternates_with_pauses_as_oscillating()
    {
        // Grow 1 MiB/s for 5 s, flat for 5 s, repeated: 512 KiB/s on average.
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(10).Repeat(12, t => t.Grow(MiB, 5).Flat(5)).Build(50 * KiB));

        Assert.NotNull(feed.FirstDetection);
        Assert.InRange(feed.FirstDetection!.Value - (Feed.T0 + 10), 1, 20);
        Assert.True(feed.Growth.IsDetected);
        Assert.DoesNotContain(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.Equal(GrowthPattern.Oscillating, feed.Growth.Current.Pattern);
        Assert.InRange(feed.Growth.Current.BytesPerSecond / (512 * KiB), 0.9, 1.1);
    }

    [Fact]
    public void Should_detect_a_burst_leak_at_its_second_step_not_its_first()
    {
        // 50 MiB every 20 s, never freed. Steps land at 11, 31, 51, ...
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(10).Repeat(6, t => t.Step(50 * MiB).Flat(19)).Build(50 * KiB));

        Reported detected = Assert.Single(feed.Events, e => e.Change == DetectionChange.Detected);
        Assert.InRange(detected.Time - Feed.T0, 31, 33);
        Assert.Equal(GrowthPattern.Burst, detected.Assessment.Pattern);

        // 50 MiB per 20 s, and it stays put between steps rather than decaying.
        Assert.InRange(detected.Assessment.BytesPerSecond / (2.5 * MiB), 0.95, 1.05);
        Assert.DoesNotContain(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.DoesNotContain(feed.Events, e => e.Change == DetectionChange.Updated);
        Assert.Equal(GrowthPattern.Burst, feed.Growth.Current.Pattern);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Should_detect_a_sawtooth_whose_baseline_rises(int seed)
    {
        // A garbage-collected runtime that leaks: 10 s teeth of 8 MiB whose troughs rise by 1 MiB each.
        // The monitor attaches to a running process, mid-tooth.
        double[] y = new Trace(36.3 * MiB).Grow(0.9 * MiB, 2).To(30 * MiB)
            .Repeat(20, t => t.Grow(0.9 * MiB, 9).Step(-7.1 * MiB))
            .Build(100 * KiB, seed);

        Feed feed = Feed.Run(y);

        Assert.NotNull(feed.FirstDetection);
        Assert.InRange(feed.FirstDetection!.Value - Feed.T0, 10, 60);
        Assert.DoesNotContain(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.Equal(GrowthPattern.Oscillating, feed.Growth.Current.Pattern);
        Assert.InRange(feed.Growth.Current.BytesPerSecond / (0.1 * MiB), 0.85, 1.15);
    }

    [Fact]
    public void Should_detect_batches_that_each_keep_a_fifth_of_what_they_allocate()
    {
        // The counterpart of freeing most of a batch: when every batch keeps 8 MiB, the troughs rise.
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(10).Repeat(10, t => t.Grow(10 * MiB, 4).Flat(6).Step(-32 * MiB).Flat(10)).Build(200 * KiB));

        Assert.True(feed.Growth.IsDetected);
        Assert.Equal(GrowthPattern.Oscillating, feed.Growth.Current.Pattern);
        Assert.InRange(feed.Growth.Current.BytesPerSecond / (8 * MiB / 21), 0.8, 1.2);
    }

    [Fact]
    public void Should_detect_a_leak_reported_sparsely_by_the_kernel()
    {
        // At 20 KiB/s with a 32 KiB minimum delta the kernel reports every other second; the gaps are flat.
        var feed = new Feed();
        double level = 30 * MiB;
        double reported = level;
        for (int i = 0; i <= 300; i++)
        {
            level += 20 * KiB;
            double now = Feed.T0 + i;
            if (level - reported >= 32 * KiB)
            {
                reported = level;
                feed.Growth.Observe(Feed.Sample(now, level));
            }
            else
            {
                feed.Growth.AdvanceTo(now);
            }
        }

        Assert.True(feed.Growth.IsDetected);
        Assert.InRange(feed.Growth.Current.BytesPerSecond / (20 * KiB), 0.9, 1.1);
    }
}
