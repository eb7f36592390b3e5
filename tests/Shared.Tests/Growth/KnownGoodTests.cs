using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

/// <summary>Workloads that grow for good reasons and must never be reported as leaks.</summary>
public class KnownGoodTests
{
    private const double MiB = Trace.MiB;
    private const double KiB = Trace.KiB;

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 50));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Should_never_detect_a_flat_process_with_2MiB_of_jitter(int seed)
    {
        AssertNeverDetected(new Trace(30 * MiB).Flat(1000).Build(2 * MiB, seed));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Should_never_detect_a_flat_process_with_normal_jitter(int seed)
    {
        // Normal jitter has tails, unlike the uniform kind: σ = 1 MiB, excursions to ±4 MiB.
        double[] y = new Trace(500 * MiB).Flat(1000).Build();
        var random = new Random(seed);
        for (int i = 0; i < y.Length; i++)
        {
            y[i] += MiB * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        }

        AssertNeverDetected(y);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 1)]
    [InlineData(3, 10)]
    [InlineData(3, 100)]
    public void Should_never_detect_a_warm_up_that_plateaus(int seconds, double mibPerSecond)
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            AssertNeverDetected(new Trace(30 * MiB).Flat(seed).Grow(mibPerSecond * MiB, seconds).Flat(300).Build(200 * KiB, seed));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Should_never_detect_a_short_sawtooth_around_a_flat_baseline(int period)
    {
        foreach (double tooth in new[] { 0.5 * MiB, 5 * MiB, 50 * MiB })
        {
            for (int seed = 1; seed <= 10; seed++)
            {
                double perSecond = tooth / (period - 1);
                AssertNeverDetected(new Trace(100 * MiB)
                    .Repeat(600 / period, t => t.Grow(perSecond, period - 1).Step(-tooth))
                    .Build(100 * KiB, seed));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Should_never_detect_a_15s_sawtooth_around_a_flat_baseline_once_a_tooth_was_seen(int seed)
    {
        // The monitor attaches to a running process near the top of a tooth and sees it drop first. (A process
        // seen from its very first tooth looks like a leak for 14 s: see the next test.)
        double tooth = (0.2 + (seed % 10)) * MiB;
        double perSecond = tooth / 14;
        double[] y = new Trace(100 * MiB + (12 * perSecond))
            .Grow(perSecond, 2).To(100 * MiB)
            .Repeat(40, t => t.Grow(perSecond, 14).Step(-tooth))
            .Build((seed % 4) * 100 * KiB, seed);

        AssertNeverDetected(y);
    }

    [Fact]
    public void Should_resolve_the_first_tooth_of_a_15s_sawtooth_and_never_detect_it_again()
    {
        // From the very first sample a 14 s rise cannot be told from a leak (a 1 MiB/s leak must be reported
        // within 10 s); once the tooth drops, the memory came back and the process is known to give it back.
        Feed feed = Feed.Run(new Trace(100 * MiB).Repeat(40, t => t.Grow(MiB, 14).Step(-14 * MiB)).Build(100 * KiB));

        Assert.Equal(
            [DetectionChange.Detected, DetectionChange.Resolved],
            feed.Events.Where(e => e.Change != DetectionChange.Updated).Select(e => e.Change));
        Assert.InRange(feed.Events.Last().Time - Feed.T0, 15, 16);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(2000)]
    public void Should_never_detect_one_large_allocation(double mib)
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            AssertNeverDetected(new Trace(30 * MiB).Flat(10 + seed).Step(mib * MiB).Flat(300).Build(200 * KiB, seed));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(20)]
    public void Should_never_detect_a_cache_that_fills_for_a_few_seconds_then_stops(double mibPerSecond)
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            AssertNeverDetected(new Trace(30 * MiB).Flat(seed).Grow(mibPerSecond * MiB, 4).Flat(300).Build(300 * KiB, seed));
        }
    }

    [Theory]
    [InlineData(4, 10)]
    [InlineData(2, 100)]
    public void Should_never_detect_a_process_that_grows_then_frees_most_of_it(int seconds, double mibPerSecond)
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            // A batch: allocation, some work, then 80% freed.
            double grown = seconds * mibPerSecond * MiB;
            double[] y = new Trace(30 * MiB)
                .Flat(10)
                .Grow(mibPerSecond * MiB, seconds).Flat(6).Step(-0.8 * grown).Flat(300)
                .Build(200 * KiB, seed);

            AssertNeverDetected(y);
        }
    }

    [Fact]
    public void Should_never_detect_batches_that_free_all_they_allocate()
    {
        for (int seed = 1; seed <= 10; seed++)
        {
            double[] y = new Trace(30 * MiB)
                .Flat(10)
                .Repeat(15, t => t.Grow(10 * MiB, 4).Flat(6).To(30 * MiB).Flat(10))
                .Build(200 * KiB, seed);

            AssertNeverDetected(y);
        }
    }

    private static void AssertNeverDetected(double[] y)
    {
        Feed feed = Feed.Run(y);
        Assert.True(
            feed.Detections == 0,
            $"detected at {feed.FirstDetection - Feed.T0} s: {feed.Events.FirstOrDefault()?.Assessment}");
    }
}
