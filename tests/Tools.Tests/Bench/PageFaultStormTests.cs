using MemGrowth.Tools.Bench;
using MemGrowth.Validation.Run;
using Xunit;

namespace MemGrowth.Tools.Tests.Bench;

/// <summary>The storm for real, small: it must fault every page it claims to, or part 1 measures nothing.</summary>
public sealed class PageFaultStormTests
{
    [Fact]
    public void Should_fault_in_every_page_of_64_MiB_and_take_measurable_time()
    {
        const long Bytes = 64L << 20;
        var before = ProcStat.Read(Environment.ProcessId);
        var run = PageFaultStorm.Run(Bytes);
        var after = ProcStat.Read(Environment.ProcessId);

        Assert.Equal(Bytes, run.Bytes);
        Assert.Equal(Bytes / Environment.SystemPageSize, run.Pages);
        Assert.True(run.Elapsed > TimeSpan.Zero);
        // One minor fault per page, whatever else the test host's threads fault in meanwhile.
        Assert.True(after.MinorFaults - before.MinorFaults >= Bytes / Environment.SystemPageSize,
            $"{after.MinorFaults - before.MinorFaults} minor faults for {run.Pages} pages");
    }

    [Fact]
    public void Should_round_a_partial_page_up_to_a_whole_one()
    {
        var run = PageFaultStorm.Run(1);
        Assert.Equal(1, run.Pages);
        Assert.Equal(Environment.SystemPageSize, run.Bytes);
    }
}
