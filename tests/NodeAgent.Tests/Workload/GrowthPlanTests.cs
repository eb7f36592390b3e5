using MemGrowth.NodeAgent.Workload;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Workload;

public sealed class GrowthPlanTests
{
    private const long Rate = 1 << 20;

    [Fact]
    public void Linear_should_grow_the_rate_every_second_spread_out()
    {
        var plan = Plan(GrowthPattern.Linear);
        Assert.All(Enumerable.Range(0, 100), s => Assert.Equal(GrowthStep.Spread(Rate), plan.Step(s, s * Rate)));
    }

    [Fact]
    public void Accelerating_should_grow_one_more_rate_each_second_until_the_cap()
    {
        var plan = Plan(GrowthPattern.Accelerating);

        Assert.Equal(GrowthStep.Spread(Rate), plan.Step(0, 0));
        Assert.Equal(GrowthStep.Spread(5 * Rate), plan.Step(4, 10 * Rate));
        Assert.Equal(GrowthStep.Spread(1000), plan.Step(50, GrowthPlan.AcceleratingCapBytes - 1000));
        Assert.Equal(GrowthStep.Spread(0), plan.Step(51, GrowthPlan.AcceleratingCapBytes));
        Assert.Equal(GrowthStep.Spread(0), plan.Step(int.MaxValue - 1, GrowthPlan.AcceleratingCapBytes + 5));
    }

    [Fact]
    public void Accelerating_should_hold_at_most_the_cap_over_a_long_run()
    {
        var plan = Plan(GrowthPattern.Accelerating);
        long held = 0;
        for (var s = 0; s < 1000; s++)
        {
            held += plan.Step(s, held).Bytes;
        }

        Assert.Equal(GrowthPlan.AcceleratingCapBytes, held);
    }

    [Fact]
    public void Oscillating_should_grow_for_half_the_period_then_rest()
    {
        var steps = Steps(Plan(GrowthPattern.Oscillating), 20);
        Assert.Equal([Rate, Rate, Rate, Rate, Rate, 0, 0, 0, 0, 0, Rate, Rate, Rate, Rate, Rate, 0, 0, 0, 0, 0], steps);

        var custom = Steps(Plan(GrowthPattern.Oscillating, period: 4), 8);
        Assert.Equal([Rate, Rate, 0, 0, Rate, Rate, 0, 0], custom);
    }

    [Fact]
    public void Burst_should_allocate_fifty_rates_at_once_every_twenty_seconds()
    {
        var plan = Plan(GrowthPattern.Burst);

        Assert.Equal(GrowthStep.AtOnce(50 * Rate), plan.Step(0, 0));
        Assert.Equal(GrowthStep.AtOnce(50 * Rate), plan.Step(20, 50 * Rate));
        Assert.Equal(GrowthStep.AtOnce(50 * Rate), plan.Step(40, 100 * Rate));
        Assert.All(Enumerable.Range(1, 19), s => Assert.Equal(GrowthStep.None, plan.Step(s, 50 * Rate)));
    }

    [Fact]
    public void Stable_should_allocate_once_at_start_and_never_again()
    {
        var plan = Plan(GrowthPattern.Stable);

        Assert.Equal(GrowthStep.AtOnce(Rate), plan.Step(0, 0));
        Assert.All(Enumerable.Range(1, 100), s => Assert.Equal(GrowthStep.None, plan.Step(s, Rate)));
    }

    [Fact]
    public void Sawtooth_should_grow_for_half_the_period_then_free_everything()
    {
        var plan = Plan(GrowthPattern.Sawtooth);
        var held = new List<long>();
        long h = 0;
        for (var s = 0; s < 20; s++)
        {
            var step = plan.Step(s, h);
            Assert.Equal(step.Bytes < 0, step.AllAtOnce); // frees are instant, growth is spread
            h += step.Bytes;
            held.Add(h / Rate);
        }

        Assert.Equal([1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0], held);
    }

    [Fact]
    public void Plateau_should_grow_for_three_seconds_then_stop()
    {
        Assert.Equal([Rate, Rate, Rate, 0, 0, 0, 0, 0], Steps(Plan(GrowthPattern.Plateau), 8));
        Assert.Equal([Rate, Rate, Rate, Rate, Rate, 0], Steps(Plan(GrowthPattern.Plateau, period: 5), 6));
    }

    [Fact]
    public void Should_refuse_a_negative_second() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Plan(GrowthPattern.Linear).Step(-1, 0));

    private static GrowthPlan Plan(GrowthPattern pattern, int? period = null) =>
        new(pattern, Rate, period ?? Math.Max(1, GrowerOptions.DefaultPeriod(pattern)));

    private static long[] Steps(GrowthPlan plan, int seconds)
    {
        long held = 0;
        var steps = new long[seconds];
        for (var s = 0; s < seconds; s++)
        {
            steps[s] = plan.Step(s, held).Bytes;
            held += steps[s];
        }

        return steps;
    }
}
