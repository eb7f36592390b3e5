using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>A journaled leak event as the projection reads it: whose, which, and where in the tag's order (the offset).</summary>
public sealed record ProjectedEvent(string PersistenceId, long SequenceNr, long Ordering, LeakEvent Event);

/// <summary>
/// A journaled event the projection stepped over: it does not read, is not an event a leak entity could have
/// journaled (<see cref="LeakEventCheck"/>, or under another leak's persistence id), or applying it failed. Kept
/// in the read model's quarantined_events table with its position, so it can be looked at (or projected again,
/// by a build that reads it, after deleting its row and moving the offset back).
/// </summary>
public sealed record QuarantinedEvent(string PersistenceId, long SequenceNr, long Ordering, string Reason)
{
    /// <summary>Why <paramref name="e"/>, journaled as event <paramref name="persistenceId"/>, must not be projected; null when it may.</summary>
    public static string? Problem(string persistenceId, LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (LeakEventCheck.Problem(e) is { } problem)
        {
            return problem;
        }

        var expected = Leaks.LeakEntity.PersistenceIdOf(e.Leak);
        return persistenceId == expected ? null : $"an event of leak '{e.Leak}' journaled as {persistenceId}, not {expected}";
    }
}
