using MemGrowth.Tools.Workload;
using Xunit;

namespace MemGrowth.Tools.Tests.Workload;

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
    public void GcLeak_should_grow_like_a_sawtooth_but_free_only_down_to_the_leak_so_far()
    {
        const long leak = Rate / 4;
        var held = Held(Plan(GrowthPattern.GcLeak, leak: leak), 30);

        // t=1..5 grow, the free at second 5 leaves leak × 6 at t=6, flat to t=10, and so on.
        Assert.Equal([Rate, 2 * Rate, 3 * Rate, 4 * Rate, 5 * Rate], held[1..6]);
        Assert.Equal([6 * leak, 6 * leak, 6 * leak, 6 * leak, 6 * leak], held[6..11]);
        Assert.Equal((6 * leak) + (5 * Rate), held[15]);
        Assert.Equal(16 * leak, held[16]);
        Assert.Equal(26 * leak, held[26]);
    }

    [Theory]
    [InlineData(10, 1 << 18)]
    [InlineData(10, (1 << 19) - 4096)] // just under half the rate
    [InlineData(2, 1 << 18)]
    [InlineData(5, 400_000)] // odd: 2 s of growth in 5, so under 2/5 of the rate
    [InlineData(7, 1 << 18)]
    public void GcLeak_troughs_should_rise_at_exactly_the_leak(int period, long leak)
    {
        var plan = Plan(GrowthPattern.GcLeak, period, leak);
        var held = Held(plan, 20 * period);

        // The trough of each cycle is the line after the free (t = free second + 1), and it is leak × t.
        var troughs = Enumerable.Range(0, 20).Select(k => (k * period) + (period / 2) + 1).ToList();
        Assert.All(troughs, t => Assert.Equal(leak * t, held[t]));
        Assert.All(troughs.Skip(1).Zip(troughs, (later, earlier) => held[later] - held[earlier]), rise => Assert.Equal(leak * period, rise));
        // And nothing in a cycle dips below its trough: the free is the only way down.
        Assert.All(troughs.SkipLast(1), t => Assert.Equal(held[t], held[t..(t + period)].Min()));
    }

    [Fact]
    public void GcLeak_should_free_at_once_and_grow_spread_out()
    {
        var plan = Plan(GrowthPattern.GcLeak, leak: Rate / 4);
        long h = 0;
        for (var s = 0; s < 40; s++)
        {
            var step = plan.Step(s, h);
            Assert.Equal(step.Bytes < 0, step.AllAtOnce);
            h += step.Bytes;
        }
    }

    [Fact]
    public void Release_should_grow_for_five_seconds_then_free_ninety_percent_and_stay_flat()
    {
        var plan = Plan(GrowthPattern.Release);

        Assert.Equal([Rate, Rate, Rate, Rate, Rate, -(5 * Rate * 9 / 10), 0, 0, 0, 0], Steps(plan, 10));
        Assert.Equal(GrowthStep.AtOnce(-(5 * Rate * 9 / 10)), plan.Step(5, 5 * Rate));
        var held = Held(plan, 30);
        Assert.Equal(5 * Rate, held[5]);
        Assert.All(held[6..], h => Assert.Equal(5 * Rate / 10, h));
    }

    [Fact]
    public void Release_should_free_ninety_percent_of_whatever_it_holds_at_the_period()
    {
        var plan = Plan(GrowthPattern.Release, period: 3);

        Assert.Equal(GrowthStep.AtOnce(-9_000), plan.Step(3, 10_000));
        Assert.Equal(GrowthStep.None, plan.Step(3, 0));
        Assert.Equal(GrowthStep.None, plan.Step(4, 1_000));
    }

    [Fact]
    public void Should_refuse_a_negative_second() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Plan(GrowthPattern.Linear).Step(-1, 0));

    private static GrowthPlan Plan(GrowthPattern pattern, int? period = null, long leak = 0) =>
        new(pattern, Rate, period ?? Math.Max(1, GrowerOptions.DefaultPeriod(pattern)), leak);

    /// <summary>What is held at t = 0..seconds: held[t] is what the line t=<c>t</c> reports.</summary>
    private static long[] Held(GrowthPlan plan, int seconds)
    {
        var held = new long[seconds + 1];
        for (var s = 0; s < seconds; s++)
        {
            held[s + 1] = held[s] + plan.Step(s, held[s]).Bytes;
        }

        return held;
    }

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
