using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Tests.Growth;

public class FloorProfileTests
{
    private const double Step = 100 * Trace.KiB;

    [Fact]
    public void Should_start_the_episode_where_a_leak_leaves_the_flat()
    {
        FloorProfile floor = Measure(new Trace(30 * Trace.MiB).Flat(20).Grow(Trace.MiB, 10).Build());

        Assert.Equal(20, floor.Start);
        Assert.Equal(9 * Trace.MiB, floor.Retained);
        Assert.InRange(floor.PersistedSeconds(Trace.MiB), 8.9, 9.1);
    }

    [Fact]
    public void Should_find_no_episode_in_a_flat_or_freed_series()
    {
        Assert.False(Measure(new Trace(30 * Trace.MiB).Flat(30).Build()).HasEpisode);
        Assert.False(Measure(new Trace(30 * Trace.MiB).Grow(Trace.MiB, 20).To(30 * Trace.MiB).Flat(5).Build()).HasEpisode);
    }

    [Fact]
    public void Should_not_count_a_single_stray_sample_as_memory_given_back()
    {
        double[] y = new Trace(30 * Trace.MiB).Flat(10).Step(50 * Trace.MiB).To(30 * Trace.MiB).Flat(10).Build();

        Assert.Equal(0, Measure(y).Headroom);
    }

    [Fact]
    public void Should_measure_the_teeth_a_sawtooth_gives_back()
    {
        double[] y = new Trace(30 * Trace.MiB).Repeat(3, t => t.Grow(Trace.MiB, 9).To(30 * Trace.MiB)).Build();

        // The top sample of each tooth is held once only, so the headroom is the tooth less one increment.
        Assert.Equal(8 * Trace.MiB, Measure(y).Headroom);
    }

    [Fact]
    public void Should_settle_the_rise_of_the_troughs_of_a_leaking_sawtooth()
    {
        double[] y = new Trace(30 * Trace.MiB).Repeat(3, t => t.Grow(Trace.MiB, 9).Step(-8 * Trace.MiB)).Flat(1).Build();

        FloorProfile floor = Measure(y);

        // Troughs at 31, 32 and 33 MiB: the rise is counted from the first trough to the last.
        Assert.Equal(0, floor.Start);
        Assert.Equal(2 * Trace.MiB, floor.SettledRise);
        Assert.Equal(20, floor.SettledSeconds);
    }

    [Fact]
    public void Should_not_take_a_one_off_offset_under_the_first_trough_for_a_rise_of_the_troughs()
    {
        // The first tooth starts 1 MiB lower than every trough after it (a runtime settling in); the
        // troughs then stay put: a sawtooth around a flat baseline.
        double[] y = new Trace(30 * Trace.MiB).Grow(Trace.MiB, 9).Step(-8 * Trace.MiB)
            .Repeat(3, t => t.Grow(Trace.MiB, 8).Step(-8 * Trace.MiB)).Flat(1).Build();

        FloorProfile floor = Measure(y);

        Assert.Equal(0, floor.SettledRise);
    }

    private static FloorProfile Measure(double[] y)
    {
        double[] t = Enumerable.Range(0, y.Length).Select(i => (double)i).ToArray();
        return FloorProfile.Measure(t, y, new double[y.Length], Step, Step / 5, 60);
    }
}
