using System.Text.Json;
using MemGrowth.NodeAgent.Output;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Output;

/// <summary>
/// An OOM kill reads as one in both outputs, and says whether a leak was open; the --jsonl lines are what
/// operators' scripts read, so they are pinned by golden JSON and compared byte for byte with the writer before
/// the lines went through the messages' JSON context (<see cref="LegacyJsonl"/>).
/// </summary>
public sealed class DetectionOutputTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static readonly Detection Killed = new(
        DetectionKind.ProcessOomKilled,
        T0,
        new DetectedProcess("web-1", new ProcessKey(4242, 599433), T0.AddMinutes(-5), "api", "/usr/bin/api", "/memgrowth-test", null, T0.AddMinutes(-5)),
        new GrowthVerdict(GrowthPattern.Linear, 8 << 20, 0.97, T0.AddSeconds(-9)),
        new MemoryUsage(64 << 20, 63 << 20, 1 << 20, 0, 0),
        new MemoryLimit(64 << 20, null));

    [Fact]
    public void Should_write_process_oom_killed_as_the_jsonl_type()
    {
        using var line = JsonDocument.Parse(DetectionJson.Format(Killed));

        Assert.Equal("process_oom_killed", line.RootElement.GetProperty("type").GetString());
        Assert.Equal(4242, line.RootElement.GetProperty("pid").GetInt32());
        Assert.Equal(JsonValueKind.Null, line.RootElement.GetProperty("seconds_to_limit").ValueKind);
    }

    [Fact]
    public void Should_say_on_the_console_whether_a_leak_was_open_when_the_oom_killer_struck()
    {
        var leaking = DetectionText.Format(Killed);
        var quiet = DetectionText.Format(Killed with { Growth = Killed.Growth with { Pattern = GrowthPattern.Stable, BytesPerSecond = 0, Confidence = 0 } });

        Assert.Contains("OOM-KILL pid 4242 api: killed by the kernel's OOM killer while leaking (linear +8 MiB/s, confidence 0.97", leaking, StringComparison.Ordinal);
        Assert.Contains("killed by the kernel's OOM killer (no leak open), rss 64 MiB", quiet, StringComparison.Ordinal);
        Assert.Contains("limit 64 MiB", quiet, StringComparison.Ordinal);
    }

    [Fact]
    public void A_process_oom_killed_line_has_its_golden_form()
    {
        const string golden = """{"type":"process_oom_killed","time":"2026-11-24T09:00:00.000Z","host":"web-1","pid":4242,"start_time":"2026-11-24T08:55:00.000Z","start_ticks":599433,"comm":"api","cmdline":"/usr/bin/api","cgroup":"/memgrowth-test","container_id":null,"pattern":"linear","growth_bytes_per_sec":8388608,"confidence":0.97,"rss_bytes":67108864,"anon_bytes":66060288,"file_bytes":1048576,"shmem_bytes":0,"swap_bytes":0,"first_seen":"2026-11-24T08:55:00.000Z","growth_started":"2026-11-24T08:59:51.000Z","memory_limit_bytes":67108864,"seconds_to_limit":null}""";

        Assert.Equal(golden, DetectionJson.Format(Killed));
    }

    public static TheoryData<Detection> Lines()
    {
        string?[] texts = ["", "naïve \"quoted\" <tag> & 'apostrophe' + \\ /", "tab\tnew\nline\u0001", "emoji 🦀 and 中文"];
        double[] doubles = [0, -0.0, 0.04, 0.05, 1.0 / 3, 123456789.125, 1e300, 1048576.55];
        var data = new TheoryData<Detection>(Enum.GetValues<DetectionKind>().Select(k => Killed with { Kind = k }));
        data.AddRange([.. Enum.GetValues<GrowthPattern>().Select(p => Killed with { Growth = Killed.Growth with { Pattern = p } })]);
        data.AddRange([.. texts.Select(t => Killed with { Process = Killed.Process with { Host = t!, Comm = t!, Cmdline = t!, Cgroup = t, ContainerId = t } })]);
        data.AddRange([.. doubles.Select(v => Killed with { Growth = Killed.Growth with { BytesPerSecond = v, Confidence = v }, Limit = new MemoryLimit(long.MaxValue, v) })]);
        data.Add(Killed with { Time = new DateTimeOffset(2026, 11, 24, 9, 0, 0, 123, TimeSpan.FromHours(5.5)).AddTicks(4567), Process = Killed.Process with { Key = new ProcessKey(int.MaxValue, ulong.MaxValue) } });
        data.Add(Killed with { Limit = MemoryLimit.None, Memory = new MemoryUsage(long.MaxValue, 0, long.MinValue, 1, 2) });
        return data;
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_line_is_byte_for_byte_what_the_writer_before_the_json_context_wrote(Detection d) =>
        Assert.Equal(LegacyJsonl.Format(d), DetectionJson.Format(d));

    [Fact]
    public void An_agent_ready_line_is_byte_for_byte_what_the_writer_before_the_json_context_wrote()
    {
        var ready = new AgentReady(T0, "web-1", "bpf", 312, "6.18.44") { HistoryDir = "/var/lib/memgrowth/history", HistoryApi = null };

        Assert.Equal(LegacyJsonl.Format(ready), DetectionJson.Format(ready));
        Assert.Equal(LegacyJsonl.Format(ready with { HistoryDir = null, HistoryApi = "http://127.0.0.1:8480" }), DetectionJson.Format(ready with { HistoryDir = null, HistoryApi = "http://127.0.0.1:8480" }));
    }

    [Fact]
    public void A_line_reads_back_as_what_it_says()
    {
        var line = DetectionLine.Parse(DetectionJson.Format(Killed));

        Assert.Equal(DetectionLine.Of(Killed), line);
        Assert.Equal(DetectionKind.ProcessOomKilled, line.Kind);
        Assert.Null(DetectionLine.Parse(DetectionJson.Format(new AgentReady(T0, "web-1", "bpf", 3, "6.18"))).Kind);
    }
}
