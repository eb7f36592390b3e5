using MemGrowth.Validation.Report;
using MemGrowth.Validation.Scoring;
using Xunit;

namespace MemGrowth.Validation.Tests.Report;

public class PlotDataTests
{
    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1.0, 1)]
    [InlineData(1.3, 2)]
    [InlineData(3.0, 5)]
    [InlineData(7.0, 10)]
    [InlineData(0.012, 0.02)]
    [InlineData(0, 1)]
    public void Should_round_bin_widths_up_to_1_2_5(double raw, double expected) =>
        Assert.Equal(expected, PlotData.NiceWidth(raw), 9);

    [Fact]
    public void Should_put_every_value_in_one_bin()
    {
        double[] values = [3.2, 4.9, 5.0, 11.7, 29.9, 30.0, double.NaN];

        (double start, double width, int[] counts) = PlotData.Histogram(values, 10);

        Assert.Equal(6, counts.Sum());
        Assert.Equal(5, width);
        Assert.Equal(0, start);
        Assert.Equal([2, 1, 1, 0, 0, 1, 1], counts);
    }

    [Fact]
    public void Should_give_an_empty_histogram_for_no_values() =>
        Assert.Empty(PlotData.Histogram([], 10).Counts);

    [Fact]
    public void Should_interpolate_rss_between_truth_points()
    {
        SubjectRun run = ReportSamples.Small().Scores[0].Run;

        Assert.Equal(20.0, PlotData.RssMiBAt(run, 50)!.Value, 6);
        Assert.Equal(20.0 + (1_000_000 * 5.5 / PlotData.MiB), PlotData.RssMiBAt(run, 115.5)!.Value, 6);
    }

    [Fact]
    public void Should_draw_non_leaking_processes_at_the_severity_floor()
    {
        Assert.Equal(Math.Log10(PlotData.SeverityFloorMiBPerSecond), PlotData.SeverityLog10(0), 9);
        Assert.Equal(1, PlotData.SeverityLog10(10 * PlotData.MiB), 9);
    }

    [Fact]
    public void Should_name_rss_files_safely_and_uniquely()
    {
        var taken = new HashSet<string> { "latency.png" };

        Assert.Equal("rss-linear-1mb.png", PlotData.RssFileName("linear-1mb", taken));
        Assert.Equal("rss-linear-1mb-2.png", PlotData.RssFileName("linear-1mb", taken));
        Assert.Equal("rss-a-b-c.png", PlotData.RssFileName("A/b c", taken));
    }
}
