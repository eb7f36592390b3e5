using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>A leak entity's state (null before its first detection) and how many events it journaled.</summary>
public sealed record LeakSnapshot(LeakId Leak, LeakState? State, long LastSequenceNr);

/// <summary>The entity handled a command (journaled what it meant, or found it a duplicate): safe to send the next.</summary>
public sealed record LeakAck(LeakId Leak, DateTimeOffset Time, int Journaled);
