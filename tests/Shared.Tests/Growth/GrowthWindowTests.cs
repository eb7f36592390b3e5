using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

public class GrowthWindowTests
{
    [Fact]
    public void Should_fill_a_gap_with_flat_points_one_step_apart()
    {
        var window = new GrowthWindow(300, 1);
        window.Add(10, 100);
        window.Add(14, 200);

        Assert.Equal([10.0, 11, 12, 13, 14], window.Times.ToArray());
        Assert.Equal([100.0, 100, 100, 100, 200], window.Values.ToArray());
        Assert.True(window.IsFilled(1));
        Assert.False(window.IsFilled(4));
    }

    [Fact]
    public void Should_not_fill_for_jitter_in_the_sample_spacing()
    {
        var window = new GrowthWindow(300, 1);
        foreach (double t in new[] { 0.0, 0.98, 2.01, 2.99, 4.3, 5.1 })
        {
            window.Add(t, t);
        }

        Assert.Equal(6, window.Count);
    }

    [Fact]
    public void Should_merge_samples_closer_than_half_a_step_keeping_the_latest()
    {
        var window = new GrowthWindow(300, 1);
        window.Add(0, 1);
        window.Add(0.2, 2);
        window.Add(0.4, 3);

        Assert.Equal(1, window.Count);
        Assert.Equal(3, window.Values[0]);
        Assert.Equal(0.4, window.Times[0]);
    }

    [Fact]
    public void Should_keep_two_points_per_step_when_samples_come_fast()
    {
        // Anchoring merges on the point's creation time, so a stream every 0.25 s cannot merge forever.
        var window = new GrowthWindow(300, 1);
        for (int i = 0; i <= 40; i++)
        {
            window.Add(i * 0.25, i);
        }

        Assert.InRange(window.Count, 19, 21);
    }

    [Fact]
    public void Should_forget_points_older_than_the_window()
    {
        var window = new GrowthWindow(10, 1);
        for (int i = 0; i <= 30; i++)
        {
            window.Add(i, i);
        }

        Assert.Equal(20, window.Times[0]);
        Assert.Equal(30, window.LastTime);
        Assert.Equal(11, window.Count);
    }

    [Fact]
    public void Should_ignore_a_sample_older_than_the_latest_one()
    {
        var window = new GrowthWindow(300, 1);
        window.Add(10, 1);

        Assert.False(window.Add(9, 2));
        Assert.Equal(1, window.Count);
        Assert.Equal(1, window.Values[0]);
    }

    [Fact]
    public void Should_advance_with_flat_points_up_to_now()
    {
        var window = new GrowthWindow(300, 1);
        window.Add(10, 5);

        Assert.True(window.AdvanceTo(13.5));
        Assert.Equal([10.0, 11, 12, 13], window.Times.ToArray());
        Assert.All(window.Values.ToArray(), v => Assert.Equal(5, v));
        Assert.False(window.AdvanceTo(13.7));
    }

    [Fact]
    public void Should_let_a_late_sample_replace_the_flat_points_guessed_after_it()
    {
        var window = new GrowthWindow(300, 1);
        window.Add(10, 5);
        window.AdvanceTo(14);

        Assert.True(window.Add(12.6, 9));

        Assert.Equal([10.0, 11, 12, 12.6], window.Times.ToArray());
        Assert.Equal([5.0, 5, 5, 9], window.Values.ToArray());
    }

    [Fact]
    public void Should_fill_only_the_last_window_after_a_gap_longer_than_it()
    {
        var window = new GrowthWindow(10, 1);
        window.Add(0, 1);
        window.Add(1000, 2);

        Assert.Equal(11, window.Count);
        Assert.Equal(990, window.Times[0]);
        Assert.Equal(2, window.Values[^1]);
    }

    [Fact]
    public void Should_stay_within_capacity_over_a_long_run()
    {
        var window = new GrowthWindow(300, 1);
        for (int i = 0; i < 10_000; i++)
        {
            window.Add(i * 0.5, i);
        }

        Assert.InRange(window.Count, 1, window.Capacity);
        Assert.Equal(4999.5, window.LastTime);
    }
}
