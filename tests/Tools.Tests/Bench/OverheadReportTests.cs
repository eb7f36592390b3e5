using MemGrowth.Tools.Bench;
using Xunit;

namespace MemGrowth.Tools.Tests.Bench;

public sealed class OverheadReportTests
{
    private static OverheadResults Sample(ProbeCostResult? cost = null) => new(
        "memgrowth bench overhead --repeats 3",
        new BenchOptions { Repeats = 3 },
        new MachineInfo("6.18.0-test", "AMD EPYC", 2, 24L << 30),
        new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero),
        new StormResult(2L << 30, 524288, [100, 110, 90, 105, 95, 300], [120, 118, 122]),
        cost,
        new HitsResult(PagesTouched: 1_572_864, Hits: 1_600_000, Samples: 40, RingDrops: 0, MapFull: 0),
        new AgentCostResult("bpf", 100, 100, 0, 250, 30.0, 1.5, 80L << 20, 120.0, 110.0),
        new AgentCostResult("bpf", 10, 10, 1000, 1200, 30.0, 0.8, 70L << 20, 12.0, 11.0),
        new AgentCostResult("procfs", 10, 10, 1000, 1200, 30.0, 8.0, 75L << 20, 1200.0, null));

    [Fact]
    public void Should_head_the_report_with_the_command_and_the_machine()
    {
        var report = OverheadReport.Format(Sample());
        Assert.Contains("- Command: `memgrowth bench overhead --repeats 3`", report, StringComparison.Ordinal);
        Assert.Contains("- Machine: kernel 6.18.0-test, AMD EPYC, 2 cores, 24.0 GiB RAM", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_storm_medians_and_their_ratio()
    {
        var report = OverheadReport.Format(Sample());
        // Without: median of 90,95,100,105,110,300 = 102.5 (the slow outlier does not move it); with: 120.
        Assert.Contains("| without agent | 6 | 102.5 | 90.0 | 300.0 |", report, StringComparison.Ordinal);
        Assert.Contains("| with agent (bpf) | 3 | 120.0 | 118.0 | 122.0 |", report, StringComparison.Ordinal);
        Assert.Contains("**Ratio with/without agent: 1.171×** (+17.1 %)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_ns_per_hit_or_say_it_was_not_measured()
    {
        Assert.Contains("| on_rss_stat | 1000000 | 70.0 | 70.0 |",
            OverheadReport.Format(Sample(new ProbeCostResult("on_rss_stat", 3, 1_000_000, 70_000_000))), StringComparison.Ordinal);
        Assert.Contains("not measured", OverheadReport.Format(Sample()), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_hits_against_samples()
    {
        var report = OverheadReport.Format(Sample());
        Assert.Contains("| 1572864 | 1600000 | 1.017 | 40 | 0.000025 | 0 | 0 |", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_agent_cost_and_the_bpf_to_procfs_ratio()
    {
        var report = OverheadReport.Format(Sample());
        Assert.Contains("| bpf | 100/100 | 250 | 1.50 | 80.0 | 110.0 | 120.0 |", report, StringComparison.Ordinal);
        Assert.Contains("| procfs | 10/10 | 1200 | 8.00 | 75.0 | 1200.0 |", report, StringComparison.Ordinal);
        Assert.Contains("**CPU ratio bpf/procfs: 0.100**", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_quote_only_the_arguments_a_shell_would_split()
    {
        Assert.Equal("memgrowth bench overhead --out /tmp/r.md", OverheadBenchmark.CommandLine(["--out", "/tmp/r.md"]));
        Assert.Equal("memgrowth bench overhead --out 'my report.md'", OverheadBenchmark.CommandLine(["--out", "my report.md"]));
    }
}
