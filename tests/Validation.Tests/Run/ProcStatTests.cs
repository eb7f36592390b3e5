using MemGrowth.NodeAgent.Sources;
using MemGrowth.Validation.Run;
using Xunit;

namespace MemGrowth.Validation.Tests.Run;

public sealed class ProcStatTests
{
    // A real line's shape, with a comm that holds a space and a ')' to trip naive splitting.
    private const string Stat =
        "4242 (mem grow) x) S 1 4242 4242 0 -1 4194560 1234 0 5 0 250 75 0 0 20 0 12 0 100 200000000 5000 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

    [Fact]
    public void Should_read_faults_and_cpu_ticks_after_the_last_parenthesis()
    {
        var sample = ProcStat.Parse(Stat);
        Assert.Equal(1234, sample.MinorFaults);
        Assert.Equal(250, sample.UserTicks);
        Assert.Equal(75, sample.SystemTicks);
        Assert.Equal(325, sample.CpuTicks);
    }

    [Fact]
    public void Should_express_cpu_between_two_readings_as_percent_of_one_core()
    {
        var before = new ProcStatSample(0, UserTicks: 100, SystemTicks: 50);
        var after = new ProcStatSample(0, UserTicks: 200, SystemTicks: 100);
        // 150 ticks at 100 Hz = 1.5 s of CPU in 10 s.
        Assert.Equal(15.0, ProcStat.CpuPercent(before, after, TimeSpan.FromSeconds(10)), precision: 9);
        // Two busy cores read as 200 %.
        Assert.Equal(200.0, ProcStat.CpuPercent(before, before with { UserTicks = 100 + 200 }, TimeSpan.FromSeconds(1)), precision: 9);
    }

    [Fact]
    public void Should_refuse_readings_that_are_not_apart_in_time() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcStat.CpuPercent(default, default, TimeSpan.Zero));

    [Fact]
    public void Should_read_vmrss_in_bytes_and_null_when_there_is_none()
    {
        // One status parser for the project: the benchmark reads VmRSS through ProcfsParser.
        Assert.Equal(5432L * 1024, ProcfsParser.ParseStatus("Name:\tmemgrowth\nVmPeak:\t  9999 kB\nVmRSS:\t    5432 kB\nThreads:\t3\n"u8).VmRssBytes);
        Assert.Equal(0, ProcfsParser.ParseStatus("Name:\tkthreadd\nThreads:\t1\n"u8).VmRssBytes);
        Assert.Null(ProcStat.ReadRssBytes(int.MaxValue));
    }

    [Fact]
    public void Should_read_this_process()
    {
        var self = ProcStat.Read(Environment.ProcessId);
        Assert.True(self.MinorFaults > 0);
        Assert.True(ProcStat.ReadRssBytes(Environment.ProcessId) > 0);
    }
}
