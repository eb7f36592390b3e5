using MemGrowth.Shared.Settings;

namespace MemGrowth.Shared.Tests.Settings;

/// <summary>The one duration grammar of every command-line flag: what run, leaks and grow each accepted before.</summary>
public sealed class DurationsTests
{
    [Theory]
    [InlineData("500ms", 5_000_000)]
    [InlineData("1s", 10_000_000)]
    [InlineData("1.5s", 15_000_000)]
    [InlineData("5m", 3_000_000_000)]
    [InlineData("24h", 864_000_000_000)]
    [InlineData("7d", 6_048_000_000_000)]
    [InlineData("60", 600_000_000)]
    [InlineData("0.25", 2_500_000)]
    [InlineData("0", 0)]
    [InlineData("10675199d", 10675199 * TimeSpan.TicksPerDay)]
    public void Should_read_a_number_with_its_unit_or_seconds(string text, long ticks) =>
        Assert.Equal(TimeSpan.FromTicks(ticks), Durations.Parse(text));

    [Theory]
    [InlineData("fast")]
    [InlineData("")]
    [InlineData("-5s")]
    [InlineData("5 min")]
    [InlineData("5w")]
    [InlineData("s")]
    [InlineData("NaNs")]
    public void Should_refuse_what_is_not_a_duration_saying_what_is(string text) =>
        Assert.Equal($"'{text}' is not a duration: give {Durations.Accepted}", Assert.Throws<FormatException>(() => Durations.Parse(text)).Message);

    [Theory]
    [InlineData("99999999d", "at most 10675199d")]
    [InlineData("999999999999999999999", "at most 922337203685s")]
    public void Should_refuse_a_span_too_long_saying_how_long_one_can_be(string text, string most) =>
        Assert.Equal($"'{text}' is too long: {most}", Assert.Throws<FormatException>(() => Durations.Parse(text)).Message);
}
