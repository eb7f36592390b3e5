using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Trends;

/// <summary>A message for one service's <see cref="ServiceTrendEntity"/>: what it is routed by, sharded or not.</summary>
public interface IWithService
{
    string Service { get; }
}

/// <summary>One journaled leak event as a trend is fed it: whose (the leak entity's persistence id) and which (its sequence number).</summary>
public sealed record TrendInput(string PersistenceId, long SequenceNr, LeakEvent Event);

/// <summary>
/// Leak events of one service's leaks, in journal order, for its trend; answered with a <see cref="TrendAck"/>
/// once what was new in them is journaled. Resending is safe: what the trend has seen journals nothing.
/// </summary>
public sealed record RecordLeakEvents(string Service, IReadOnlyList<TrendInput> Events) : IWithService;

/// <summary>The trend entity's journal: the leak events of one <see cref="RecordLeakEvents"/> it had not seen yet.</summary>
public sealed record LeakEventsRecorded(IReadOnlyList<TrendInput> Events);

/// <summary>The trend entity journaled <paramref name="Journaled"/> of the events it was sent (0 for a resend).</summary>
public sealed record TrendAck(string Service, int Journaled);

/// <summary>Asks a trend entity for its state; the reply is a <see cref="TrendReply"/>.</summary>
public sealed record GetTrend(string Service) : IWithService;

/// <summary>A trend entity's state (empty before its first leak) and how many events it journaled.</summary>
public sealed record TrendReply(ServiceTrend Trend, long LastSequenceNr);
