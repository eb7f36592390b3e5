namespace MemGrowth.Shared.Messages;

/// <summary>Said once per agent start, when the source is attached and running processes are loaded.</summary>
public sealed record AgentReady(DateTimeOffset Time, string Host, string Source, int TrackedProcesses, string Kernel)
{
    /// <summary>A fleet agent: its detections go to the fleet's analytics nodes, which keep the history.</summary>
    public bool Fleet { get; init; }

    /// <summary>Where a standalone node keeps its leak history; null when it keeps none (or in a fleet).</summary>
    public string? HistoryDir { get; init; }

    /// <summary>The base URL of the standalone node's history API ("http://127.0.0.1:8480"); null when it serves none.</summary>
    public string? HistoryApi { get; init; }
}
