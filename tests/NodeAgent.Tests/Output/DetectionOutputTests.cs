using System.Text.Json;
using MemGrowth.NodeAgent.Output;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Output;

/// <summary>An OOM kill reads as one in both outputs, and says whether a leak was open.</summary>
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
}
