using MemGrowth.Analytics.Api;
using Xunit;

namespace MemGrowth.Analytics.Tests.Api;

/// <summary>The spans operators filter leaks with: every one a span can hold is read, any other refused with a message.</summary>
public sealed class LeakParametersTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("90s", 90 * TimeSpan.TicksPerSecond)]
    [InlineData("30m", 30 * TimeSpan.TicksPerMinute)]
    [InlineData("24h", 24 * TimeSpan.TicksPerHour)]
    [InlineData("10675199d", 10675199 * TimeSpan.TicksPerDay)]
    [InlineData("922337203685s", 922337203685 * TimeSpan.TicksPerSecond)]
    public void A_span_a_TimeSpan_holds_is_read(string text, long ticks) =>
        Assert.Equal(TimeSpan.FromTicks(ticks), LeakParameters.ParseSince(text));

    [Theory]
    [InlineData("10675200d", "too long")]
    [InlineData("922337203686s", "too long")]
    [InlineData("9223372036854775807m", "too long")]
    [InlineData("99999999999999999999h", "not a span")]
    [InlineData("-1d", "not a span")]
    [InlineData("1w", "not a span")]
    [InlineData("d", "not a span")]
    public void A_span_out_of_range_or_malformed_is_refused_saying_why(string text, string says) =>
        Assert.Contains(says, Assert.Throws<FormatException>(() => LeakParameters.ParseSince(text)).Message, StringComparison.Ordinal);

    [Fact]
    public void A_since_reaching_back_before_year_1_is_refused_and_one_reaching_to_it_is_read()
    {
        var toYear1 = (long)Math.Floor((Now - DateTimeOffset.MinValue).TotalDays);

        Assert.Equal(Now - TimeSpan.FromDays(toYear1), LeakParameters.ParseSeenSince($"{toYear1}d", Now));
        Assert.Contains("before year 1", Assert.Throws<FormatException>(() => LeakParameters.ParseSeenSince($"{toYear1 + 1}d", Now)).Message, StringComparison.Ordinal);
    }
}
