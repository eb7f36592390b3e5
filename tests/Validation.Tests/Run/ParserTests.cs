using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Replay;
using MemGrowth.Validation.Run;
using Xunit;

namespace MemGrowth.Validation.Tests.Run;

public class ParserTests
{
    [Fact]
    public void Grower_output_gives_its_pid_its_start_and_procs_rss_per_second()
    {
        var output = GrowerOutput.Parse(
        [
            "pid=4321 start mono=1000.250",
            "t=0 held_bytes=0 rss_bytes=31457280 mono=1000.260 noise_bytes=0",
            "t=1 held_bytes=1048576 rss_bytes=32505856 mono=1001.262 noise_bytes=12",
        ]);

        Assert.Equal(4321, output.Pid);
        Assert.Equal(1000.25, output.Start);
        Assert.Equal([31457280L, 32505856L], output.Truth.Select(t => t.RssBytes));
        Assert.Equal(1001.262, output.SecondAt[1]);
    }

    [Fact]
    public void Detection_lines_move_onto_the_monotonic_clock_and_group_by_pid()
    {
        const string line = """{"type":"growth_detected","time":"2026-11-25T10:00:05.500Z","host":"h","pid":77,"start_time":"2026-11-25T09:59:00.000Z","start_ticks":1,"comm":"c","cmdline":"c","cgroup":null,"container_id":null,"pattern":"oscillating","growth_bytes_per_sec":1048576.0,"confidence":0.71,"rss_bytes":5,"anon_bytes":5,"file_bytes":0,"shmem_bytes":0,"swap_bytes":0,"first_seen":"2026-11-25T09:59:00.000Z","growth_started":"2026-11-25T10:00:00.000Z","memory_limit_bytes":536870912,"seconds_to_limit":12.5}""";
        var wall = DateTimeOffset.Parse("2026-11-25T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() / 1000.0;

        var reports = DetectionLog.Parse(["""{"type":"agent_ready","time":"2026-11-25T10:00:00.000Z"}""", line], wallMinusMonotonic: wall - 500);

        var report = Assert.Single(reports[77]);
        Assert.Equal(DetectionKind.GrowthDetected, report.Kind);
        Assert.Equal(GrowthPattern.Oscillating, report.Pattern);
        Assert.Equal(505.5, report.Time, 3);
        Assert.Equal(500, report.GrowthStarted, 3);
        Assert.Equal(536870912L, report.MemoryLimitBytes);
    }

    [Fact]
    public void The_trace_gives_each_process_its_start_samples_and_exit_and_tells_reused_pids_apart()
    {
        var traces = TraceCsv.Parse(
        [
            TraceCsv.Header,
            "Seen,10,500,100.000,0,4096,0,0,grow,0.500,100.010",
            "Sample,10,500,101.000,0,8192,0,0,grow,1.500,101.003",
            "Exit,10,500,102.000,0,8192,0,0,grow,2.500,102.004",
            "Seen,10,900,200.000,0,4096,0,0,other,0.100,200.020",
        ]);

        var first = traces[(10, 500UL)];
        Assert.Equal(99.5, first.Start, 6);
        Assert.Equal(100.010, first.FirstReceived, 6);
        Assert.Equal(2, first.Samples.Count);
        Assert.Equal(102.0, first.Exit);
        Assert.Equal(102.004, first.ExitReceived);
        Assert.Null(traces[(10, 900UL)].Exit);
    }

    [Fact]
    public void A_trace_of_another_format_is_refused_with_what_to_do()
    {
        var error = Assert.Throws<FormatException>(() => TraceCsv.Parse(["kind,pid,time"]));
        Assert.Contains("--trace", error.Message, StringComparison.Ordinal);
    }
}
