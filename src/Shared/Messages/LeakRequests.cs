namespace MemGrowth.Shared.Messages;

/// <summary>The kernel's OOM killer took this leak's process (reported by the agent's OOM tracepoint).</summary>
public sealed record OomKill(LeakId Leak, DateTimeOffset Time);

/// <summary>Asks a leak entity for its state; the reply is the analytics side's leak snapshot.</summary>
public sealed record GetLeak(LeakId Leak);
