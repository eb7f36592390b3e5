using MemGrowth.Tools.Bench;
using MemGrowth.Validation.Run;
using Xunit;

namespace MemGrowth.Tools.Tests.Bench;

public sealed class StormBenchmarkTests
{
    private static AgentStatusSnapshot Status(ulong hits, ulong samples, ulong drops, ulong runs, ulong runNs) => new(
        DateTimeOffset.UnixEpoch, "bpf", 1, 10, 0, 0,
        new ProbeCounters(hits, samples, drops, 0, true,
            new Dictionary<string, ProgramRuntime> { [StormBenchmark.RssStatProgram] = new(runNs, runs) }));

    [Fact]
    public void Should_count_hits_samples_and_drops_between_two_statuses()
    {
        var hits = StormBenchmark.Hits(Status(1000, 10, 1, 0, 0), Status(525_288, 30, 4, 0, 0), pagesTouched: 524_288);
        Assert.Equal((524_288L, 524_288UL, 20UL, 3UL), (hits.PagesTouched, hits.Hits, hits.Samples, hits.RingDrops));
    }

    [Fact]
    public void Should_divide_run_time_by_run_count_between_two_statuses()
    {
        var cost = StormBenchmark.Cost(Status(0, 0, 0, 100, 5_000), Status(0, 0, 0, 1_000_100, 70_005_000), storms: 3);
        Assert.NotNull(cost);
        Assert.Equal(70.0, cost.NsPerHit, precision: 9);
    }

    [Fact]
    public void Should_refuse_a_status_without_probe_counters()
    {
        var procfs = new AgentStatusSnapshot(DateTimeOffset.UnixEpoch, "procfs", 1, 10, 0, 0, null);
        Assert.Throws<BenchmarkException>(() => StormBenchmark.Hits(procfs, procfs, 1));
    }
}
