using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>The kernel's OOM killer took this leak's process (reported by the agent's OOM tracepoint).</summary>
public sealed record OomKill(LeakId Leak, DateTimeOffset Time);

/// <summary>Asks a leak entity for its state; the reply is a <see cref="LeakSnapshot"/>.</summary>
public sealed record GetLeak(LeakId Leak);

/// <summary>A leak entity's state (null before its first detection) and how many events it journaled.</summary>
public sealed record LeakSnapshot(LeakId Leak, LeakState? State, long LastSequenceNr);

/// <summary>The entity handled a command (journaled what it meant, or found it a duplicate): safe to send the next.</summary>
public sealed record LeakAck(LeakId Leak, DateTimeOffset Time, int Journaled);
