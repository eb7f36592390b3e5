using MemGrowth.NodeAgent.Actors;
using MemGrowth.Shared.Growth;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Actors;

/// <summary>The samples a tracker has not sent yet: taken from a time on, each sent once, thinned to a bound.</summary>
public sealed class UnsentSamplesTests
{
    [Fact]
    public void A_first_take_starts_at_the_growth_and_the_next_has_only_what_came_after()
    {
        var unsent = new UnsentSamples(300, 304);
        for (var t = 0; t < 20; t++)
        {
            unsent.Add(At(t));
        }

        var first = unsent.Take(from: 12.5);
        for (var t = 20; t < 25; t++)
        {
            unsent.Add(At(t));
        }

        var next = unsent.Take(double.NegativeInfinity);

        Assert.Equal([13.0, 14, 15, 16, 17, 18, 19], first.Select(s => s.Time));
        Assert.Equal([20.0, 21, 22, 23, 24], next.Select(s => s.Time));
        Assert.Equal(24 << 20, next[^1].AnonBytes);
        Assert.Empty(unsent.Take(double.NegativeInfinity));
    }

    [Fact]
    public void Samples_at_the_same_time_are_each_sent_once()
    {
        // A late sample is moved to the tick before it: its time may equal the last one sent.
        var unsent = new UnsentSamples(300, 304);
        unsent.Add(At(5));
        var first = unsent.Take(0);
        unsent.Add(At(5) with { AnonBytes = 7 });

        var next = Assert.Single(unsent.Take(double.NegativeInfinity));

        Assert.Single(first);
        Assert.Equal((5.0, 7L), (next.Time, next.AnonBytes));
    }

    [Fact]
    public void More_than_the_bound_are_thinned_evenly_keeping_the_first_and_the_newest()
    {
        var unsent = new UnsentSamples(3000, 3004);
        for (var t = 0; t <= 1000; t++)
        {
            unsent.Add(At(t));
        }

        var taken = unsent.Take(double.NegativeInfinity, max: 101);
        for (var t = 1001; t <= 2000; t++)
        {
            unsent.Add(At(t));
        }

        var byDefault = unsent.Take(double.NegativeInfinity);

        Assert.Equal(Enumerable.Range(0, 101).Select(i => i * 10.0), taken.Select(s => s.Time));
        Assert.Equal(UnsentSamples.MaxPerDetection, byDefault.Count);
        Assert.Equal((1001.0, 2000.0), (byDefault[0].Time, byDefault[^1].Time));
    }

    [Fact]
    public void Only_the_window_and_the_capacity_are_held()
    {
        var byTime = new UnsentSamples(keepSeconds: 10, capacity: 100);
        var byCount = new UnsentSamples(keepSeconds: 1000, capacity: 8);
        for (var t = 0; t < 50; t++)
        {
            byTime.Add(At(t));
            byCount.Add(At(t));
        }

        Assert.Equal(39.0, byTime.Take(double.NegativeInfinity)[0].Time);
        Assert.Equal([42.0, 43, 44, 45, 46, 47, 48, 49], byCount.Take(double.NegativeInfinity).Select(s => s.Time));
    }

    [Theory]
    [InlineData(5, 10)]
    [InlineData(120, 120)]
    [InlineData(121, 120)]
    [InlineData(604, 120)]
    public void Thinned_indexes_are_increasing_within_range_and_end_at_the_newest(int n, int max)
    {
        var indexes = Enumerable.Range(0, Math.Min(n, max)).Select(i => UnsentSamples.Thinned(i, n, max)).ToList();

        Assert.Equal(0, indexes[0]);
        Assert.Equal(n - 1, indexes[^1]);
        Assert.True(Enumerable.Range(1, indexes.Count - 1).All(i => indexes[i] > indexes[i - 1]), string.Join(",", indexes));
    }

    private static RssSample At(double t) => new(t, 1 << 20, (long)t << 20, 0, 0);
}
