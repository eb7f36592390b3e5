using MemGrowth.Analytics.Trends;
using Xunit;

namespace MemGrowth.Analytics.Tests.Trends;

public class TimeToLimitTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(600, 0, 600)]       // asked at the report's time: what it said
    [InlineData(600, 250, 350)]     // 250 s later: 250 s less
    [InlineData(600, 600, 0)]       // the limit is reached now
    [InlineData(600, 3600, 0)]      // long past: floored at 0, never negative
    [InlineData(600, -100, 700)]    // a report stamped ahead of the asker's clock
    public void The_time_to_limit_is_rebased_to_now_and_floored_at_zero(double reported, double secondsLater, double expected)
    {
        Assert.Equal(expected, TimeToLimit.At(reported, T, T.AddSeconds(secondsLater)), 9);
    }

    [Fact]
    public void The_limit_is_reached_the_reported_time_after_the_report()
    {
        Assert.Equal(T.AddSeconds(90.5), TimeToLimit.ReachedAt(90.5, T));
    }
}
