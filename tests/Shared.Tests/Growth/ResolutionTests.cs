using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

/// <summary>When a reported leak stops being one.</summary>
public class ResolutionTests
{
    private const double MiB = Trace.MiB;
    private const double KiB = Trace.KiB;

    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 20));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Should_resolve_a_long_warm_up_within_10_seconds_of_it_stopping(int seed)
    {
        // 20 s of 1 MiB/s then flat forever: ambiguous while it grows, so a detection is allowed.
        const int flat = 10;
        Feed feed = Feed.Run(new Trace(30 * MiB).Flat(flat).Grow(MiB, 20).Flat(300).Build(100 * KiB, seed));
        double stopped = Feed.T0 + flat + 20;

        Assert.True(feed.Detections <= 1);
        if (feed.Detections == 1)
        {
            Reported resolved = Assert.Single(feed.Events, e => e.Change == DetectionChange.Resolved);
            Assert.InRange(resolved.Time - stopped, 1, 10);
        }

        Assert.False(feed.Growth.IsDetected);
        Assert.Equal(GrowthPattern.Stable, feed.Growth.Current.Pattern);
    }

    [Fact]
    public void Should_resolve_when_samples_stop_because_nothing_moves()
    {
        // The kernel only reports movement, so silence means flat: the actor's timer advances time instead.
        var feed = new Feed();
        feed.Samples(new Trace(30 * MiB).Grow(MiB, 30).Build(50 * KiB));
        Assert.True(feed.Growth.IsDetected);
        double last = Feed.T0 + 30;

        feed.Silence(last, 30);

        Reported resolved = Assert.Single(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.InRange(resolved.Time - last, 1, 10);
        Assert.Equal(Feed.T0 + 30, feed.Growth.Latest!.Value.Time);
    }

    [Fact]
    public void Should_resolve_at_once_when_the_memory_is_returned()
    {
        var feed = Feed.Run(new Trace(30 * MiB).Flat(5).Grow(MiB, 30).To(31 * MiB).Flat(30).Build(50 * KiB));

        Reported resolved = Assert.Single(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.Equal(Feed.T0 + 36, resolved.Time);
        Assert.Equal(1, feed.Detections);
    }

    [Fact]
    public void Should_resolve_soon_when_most_of_the_growth_is_returned()
    {
        var feed = Feed.Run(new Trace(30 * MiB).Flat(5).Grow(MiB, 60).Step(-36 * MiB).Flat(30).Build(50 * KiB));

        Reported resolved = Assert.Single(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.InRange(resolved.Time - (Feed.T0 + 66), 0, 2);
    }

    [Fact]
    public void Should_resolve_a_batch_that_was_taken_for_a_leak_when_it_frees()
    {
        // 8 s of growth is leak-shaped while it lasts; the free that follows ends it.
        var feed = Feed.Run(new Trace(30 * MiB).Flat(10).Grow(2 * MiB, 8).Flat(6).Step(-0.8 * 16 * MiB).Flat(100).Build(200 * KiB));

        Assert.Equal(
            [DetectionChange.Detected, DetectionChange.Resolved],
            feed.Events.Where(e => e.Change != DetectionChange.Updated).Select(e => e.Change));
        Assert.InRange(feed.Events.Last().Time - (Feed.T0 + 25), 0, 2);
    }

    [Fact]
    public void Should_wait_longer_for_bursts_that_pause_between_steps()
    {
        // Steps every 20 s: the flat stretches in between are not the end, but once they stop for good it is.
        var feed = Feed.Run(new Trace(30 * MiB).Flat(10).Repeat(4, t => t.Step(50 * MiB).Flat(19)).Flat(100).Build(50 * KiB));
        double lastStep = Feed.T0 + 71;

        Reported resolved = Assert.Single(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.InRange(resolved.Time - lastStep, 20, 45);
    }

    [Fact]
    public void Should_wait_for_the_configured_flat_time()
    {
        var settings = GrowthSettings.Default with { ResolveAfterFlatSeconds = 20 };
        var feed = Feed.Run(new Trace(30 * MiB).Grow(MiB, 30).Flat(60).Build(50 * KiB), settings);

        Reported resolved = Assert.Single(feed.Events, e => e.Change == DetectionChange.Resolved);
        Assert.InRange(resolved.Time - (Feed.T0 + 30), 20, 22);
    }
}
