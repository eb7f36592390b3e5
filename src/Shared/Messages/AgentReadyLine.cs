using System.Text.Json;

namespace MemGrowth.Shared.Messages;

/// <summary>The --jsonl line an agent writes once it runs (type "agent_ready").</summary>
public sealed record AgentReadyLine(string Type, string Time, string Host, string Source, int TrackedProcesses, string Kernel, string? HistoryDir, string? HistoryApi)
{
    public static AgentReadyLine Of(AgentReady ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        return new AgentReadyLine("agent_ready", DetectionLine.Iso(ready.Time), ready.Host, ready.Source, ready.TrackedProcesses, ready.Kernel, ready.HistoryDir, ready.HistoryApi);
    }

    public string ToJson() => JsonSerializer.Serialize(this, MessageJsonContext.Default.AgentReadyLine);
}
