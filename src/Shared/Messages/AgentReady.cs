namespace MemGrowth.Shared.Messages;

/// <summary>Said once per agent start, when the source is attached and running processes are loaded.</summary>
public sealed record AgentReady(DateTimeOffset Time, string Host, string Source, int TrackedProcesses, string Kernel);
