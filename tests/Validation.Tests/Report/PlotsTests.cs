using MemGrowth.Validation.Report;
using MemGrowth.Validation.Scoring;
using SkiaSharp;
using Xunit;

namespace MemGrowth.Validation.Tests.Report;

public sealed class PlotsTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("memgrowth-plots-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Should_write_one_rss_plot_per_scenario_and_the_three_summaries()
    {
        IReadOnlyList<string> files = Plots.WriteAll(ReportSamples.Small(), _dir.FullName);

        Assert.Equal(
            ["rss-linear-1mb.png", "rss-linear-64k.png", "rss-idle.png", "rss-cache-warmup.png", "latency.png", "confidence-severity.png", "threshold-sweep.png"],
            files);
        foreach (string file in files)
        {
            AssertPng(Path.Combine(_dir.FullName, file));
        }
    }

    [Fact]
    public void Should_plot_a_process_that_has_no_rss_samples()
    {
        ValidationReport report = ReportSamples.Small();
        SubjectScore missed = report.Scores[1];
        report = report with { Scores = [missed with { Run = missed.Run with { Scenario = "exits/at once", Truth = [] } }] };

        IReadOnlyList<string> files = Plots.WriteAll(report, _dir.FullName);

        Assert.Equal("rss-exits-at-once.png", files[0]);
        AssertPng(Path.Combine(_dir.FullName, files[0]));
    }

    [Fact]
    public void Should_write_plots_for_a_report_with_nothing_in_it()
    {
        ValidationReport empty = ReportSamples.Small() with { Scores = [], Sweep = [] };

        IReadOnlyList<string> files = Plots.WriteAll(empty, Path.Combine(_dir.FullName, "new"));

        Assert.Equal(["latency.png", "confidence-severity.png", "threshold-sweep.png"], files);
        foreach (string file in files)
        {
            AssertPng(Path.Combine(_dir.FullName, "new", file));
        }
    }

    [Fact]
    public void Should_draw_the_title_with_the_embedded_font()
    {
        Plots.WriteAll(ReportSamples.Small(), _dir.FullName);
        using SKBitmap bitmap = SKBitmap.Decode(Path.Combine(_dir.FullName, "threshold-sweep.png"));

        // The title sits alone above the data area's frame: ink between the top edge and the frame's top line
        // is the title's glyphs, and without a usable font there is none.
        int from = bitmap.Width / 3, to = 2 * bitmap.Width / 3;
        bool Dark(int x, int y)
        {
            SKColor c = bitmap.GetPixel(x, y);
            return c.Red + c.Green + c.Blue < 3 * 128;
        }

        int ink = 0;
        for (int y = 0; y < bitmap.Height / 2; y++)
        {
            int dark = Enumerable.Range(from, to - from).Count(x => Dark(x, y));
            if (dark > 0.9 * (to - from))
            {
                break;
            }

            ink += dark;
        }

        Assert.True(ink > 100, $"only {ink} dark pixels in the title band");
    }

    [Fact]
    public void Should_carry_the_glyphs_the_plots_use()
    {
        using var font = new SKFont(PlotFont.Typeface);

        Assert.True(font.ContainsGlyphs("RSS (MiB) seconds since launch 0123456789.-+ µ ≥ ≤ ✓ ✗ – —"));
    }

    [Fact]
    public void Should_carry_the_font_s_licence_beside_the_font()
    {
        using Stream? licence = typeof(PlotFont).Assembly.GetManifestResourceStream("MemGrowth.Validation.Report.PlotFont.LICENSE.txt");

        Assert.NotNull(licence);
        using var reader = new StreamReader(licence);
        Assert.Contains("Bitstream", reader.ReadToEnd(), StringComparison.Ordinal);
    }

    private static void AssertPng(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 5_000, $"{path} is only {bytes.Length} bytes");
        Assert.Equal(PngSignature, bytes[..8]);
        using SKBitmap bitmap = SKBitmap.Decode(bytes);
        Assert.Equal((Plots.Width, Plots.Height), (bitmap.Width, bitmap.Height));
    }
}
