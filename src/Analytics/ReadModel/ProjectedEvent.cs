using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>A journaled leak event as the projection reads it: whose, which, and where in the tag's order (the offset).</summary>
public sealed record ProjectedEvent(string PersistenceId, long SequenceNr, long Ordering, LeakEvent Event);
