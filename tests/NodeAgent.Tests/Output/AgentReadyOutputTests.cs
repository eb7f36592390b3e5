using System.Text.Json;
using MemGrowth.NodeAgent.Output;
using MemGrowth.Shared.Messages;
using Xunit;

namespace MemGrowth.NodeAgent.Tests.Output;

/// <summary>agent_ready says where the leak history is kept and served, in both outputs.</summary>
public sealed class AgentReadyOutputTests
{
    private static readonly AgentReady Ready = new(new DateTimeOffset(2026, 11, 26, 4, 0, 0, TimeSpan.Zero), "web-1", "bpf", 87, "6.18.0");

    [Fact]
    public void Should_name_the_history_and_its_api_in_the_jsonl_line()
    {
        using var served = JsonDocument.Parse(DetectionJson.Format(Ready with { HistoryDir = "/var/lib/memgrowth", HistoryApi = "http://127.0.0.1:8480" }));
        using var none = JsonDocument.Parse(DetectionJson.Format(Ready));

        Assert.Equal("/var/lib/memgrowth", served.RootElement.GetProperty("history_dir").GetString());
        Assert.Equal("http://127.0.0.1:8480", served.RootElement.GetProperty("history_api").GetString());
        Assert.Equal(JsonValueKind.Null, none.RootElement.GetProperty("history_dir").ValueKind);
        Assert.Equal(JsonValueKind.Null, none.RootElement.GetProperty("history_api").ValueKind);
    }

    [Fact]
    public void Should_say_on_the_console_where_the_history_is_or_that_none_is_kept()
    {
        var served = DetectionText.Format(Ready with { HistoryDir = "/var/lib/memgrowth", HistoryApi = "http://127.0.0.1:8480" });
        var fileOnly = DetectionText.Format(Ready with { HistoryDir = "/var/lib/memgrowth" });
        var fleet = DetectionText.Format(Ready with { Fleet = true });

        Assert.EndsWith("leak history in /var/lib/memgrowth (memgrowth leaks, http://127.0.0.1:8480/api/leaks)", served, StringComparison.Ordinal);
        Assert.EndsWith("leak history in /var/lib/memgrowth (memgrowth leaks)", fileOnly, StringComparison.Ordinal);
        Assert.EndsWith("no leak history kept (--data-dir)", DetectionText.Format(Ready), StringComparison.Ordinal);
        Assert.EndsWith("detections go to the fleet's analytics nodes", fleet, StringComparison.Ordinal);
    }
}
