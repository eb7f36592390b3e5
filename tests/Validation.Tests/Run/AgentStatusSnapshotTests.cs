using MemGrowth.Validation.Run;
using Xunit;

namespace MemGrowth.Validation.Tests.Run;

public sealed class AgentStatusSnapshotTests
{
    // As `memgrowth run` writes it: snake_case, indented, with fields the benchmark does not use.
    private const string BpfStatus = """
        {
          "time": "2025-06-01T12:00:01.5+00:00",
          "source": "bpf",
          "pid": 777,
          "tracked_processes": 123,
          "events_received": 4567,
          "events_dropped": 2,
          "events_in_flight": 0,
          "probe": {
            "hits": 1000000,
            "samples": 250,
            "ring_drops": 3,
            "map_full": 4,
            "unattributed": 5,
            "teardown": 6,
            "exits": 7,
            "flushes": 8,
            "bpf_stats_enabled": true,
            "programs": {
              "on_rss_stat": { "run_time_ns": 70000000, "run_count": 1000000 },
              "on_exit": { "run_time_ns": 500, "run_count": 7 }
            },
            "events_read": 250
          }
        }
        """;

    [Fact]
    public void Should_parse_the_counters_and_the_per_program_runtime()
    {
        var s = AgentStatusSnapshot.Parse(BpfStatus);
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 12, 0, 1, 500, TimeSpan.Zero), s.Time);
        Assert.Equal(("bpf", 777, 123, 4567L, 2L), (s.Source, s.Pid, s.TrackedProcesses, s.EventsReceived, s.EventsDropped));
        var p = Assert.IsType<ProbeCounters>(s.Probe);
        Assert.Equal((1_000_000UL, 250UL, 3UL, 4UL, true), (p.Hits, p.Samples, p.RingDrops, p.MapFull, p.BpfStatsEnabled));
        Assert.Equal(new ProgramRuntime(70_000_000, 1_000_000), p.Programs["on_rss_stat"]);
        Assert.Equal(2, p.Programs.Count);
    }

    [Fact]
    public void Should_have_no_probe_counters_for_procfs()
    {
        var s = AgentStatusSnapshot.Parse("""
            {"time":"2025-06-01T12:00:00Z","source":"procfs","pid":1,"tracked_processes":9,"events_received":10,"events_dropped":0,"probe":null}
            """);
        Assert.Equal("procfs", s.Source);
        Assert.Null(s.Probe);
    }

    [Theory]
    [InlineData("""{"time":"2025-06-01T12:00:00Z","source":"bpf","pid":1,"events_received":1,"events_dropped":0}""", "tracked_processes")]
    [InlineData("""{"time":"2025-06-01T12:00:00Z","source":"bpf","pid":1,"tracked_processes":1,"events_received":1,"events_dropped":0,"probe":{"samples":1}}""", "hits")]
    [InlineData("{ not json", "status file")]
    public void Should_name_what_does_not_match_the_expected_shape(string json, string named)
    {
        var e = Assert.Throws<FormatException>(() => AgentStatusSnapshot.Parse(json));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }
}
