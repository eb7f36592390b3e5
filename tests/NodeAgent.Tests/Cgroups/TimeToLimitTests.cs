using MemGrowth.NodeAgent.Cgroups;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Cgroups;

public sealed class TimeToLimitTests
{
    [Fact]
    public void Should_divide_the_headroom_by_the_growth_rate() =>
        Assert.Equal(100.0, TimeToLimit.Seconds(limitBytes: 300 << 20, usageBytes: 200 << 20, growthBytesPerSecond: 1 << 20));

    [Fact]
    public void Should_have_no_answer_without_a_limit_or_growth()
    {
        Assert.Null(TimeToLimit.Seconds(null, 100, 1000));
        Assert.Null(TimeToLimit.Seconds(1000, 100, 0));
        Assert.Null(TimeToLimit.Seconds(1000, 100, -5));
        Assert.Null(TimeToLimit.Seconds(1000, 100, double.NaN));
    }

    [Fact]
    public void Should_be_zero_when_already_at_or_over_the_limit()
    {
        Assert.Equal(0.0, TimeToLimit.Seconds(1000, 1000, 10));
        Assert.Equal(0.0, TimeToLimit.Seconds(1000, 1200, 10));
        Assert.Equal(0.0, TimeToLimit.Seconds(1000, 1200, 0));
    }
}
