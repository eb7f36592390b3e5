using MemGrowth.Validation.Report;
using Xunit;

namespace MemGrowth.Validation.Tests.Report;

public class ReportFormatTests
{
    [Theory]
    [InlineData(0.9523, "95.2 %")]
    [InlineData(0.0, "0.0 %")]
    [InlineData(1.0, "100.0 %")]
    [InlineData(double.NaN, "n/a")]
    public void Should_write_shares_as_percentages_with_one_decimal(double share, string expected) =>
        Assert.Equal(expected, ReportFormat.Percent(share));

    [Fact]
    public void Should_write_missing_values_as_na()
    {
        Assert.Equal("n/a", ReportFormat.Percent(null));
        Assert.Equal("n/a", ReportFormat.Seconds(null));
        Assert.Equal("n/a", ReportFormat.Seconds(double.NaN));
        Assert.Equal("n/a", ReportFormat.Number(double.PositiveInfinity, 2));
        Assert.Equal("n/a (0/0)", ReportFormat.Percent(0, 0));
    }

    [Theory]
    [InlineData(4.256, "4.26 s")]
    [InlineData(0.4, "0.40 s")]
    [InlineData(37.54, "37.5 s")]
    [InlineData(125, "125.0 s")]
    public void Should_write_seconds_with_two_decimals_below_ten_and_one_above(double seconds, string expected) =>
        Assert.Equal(expected, ReportFormat.Seconds(seconds));

    [Theory]
    [InlineData(0.021, "+2.1 %")]
    [InlineData(-0.005, "-0.5 %")]
    [InlineData(0.0001, "0.0 %")]
    public void Should_sign_errors(double share, string expected) =>
        Assert.Equal(expected, ReportFormat.SignedPercent(share));

    [Theory]
    [InlineData(45.04, "45.0 s")]
    [InlineData(754, "12m 34s")]
    [InlineData(3723, "1h 02m 03s")]
    [InlineData(119.6, "2m 00s")]
    public void Should_write_durations_for_people(double seconds, string expected) =>
        Assert.Equal(expected, ReportFormat.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Should_keep_a_table_cell_on_one_line_with_its_pipes_escaped() =>
        Assert.Equal(@"| a \| b c | d |", ReportFormat.Row("a | b\nc", "d"));
}
