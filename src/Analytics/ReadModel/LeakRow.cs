using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// One leak as the read model keeps it: what it is, where it is in its lifecycle, and its latest report,
/// without the reports themselves (those are <see cref="ReportRow"/>s). Built only by <see cref="Apply"/>,
/// which is idempotent on the journal's (persistence id, sequence nr): an event at or below
/// <see cref="LastSequenceNr"/> was applied already and changes nothing, so a replay or a redelivery
/// never counts twice. The lifecycle itself is <see cref="LeakState.Apply"/>'s, not a copy of it.
/// </summary>
/// <param name="LastSeen">Time of the latest event: report, confirmation, resolution or end.</param>
/// <param name="Reports">How many reports the leak had (the row keeps only the latest, <see cref="Latest"/>).</param>
public sealed record LeakRow(
    string PersistenceId,
    long LastSequenceNr,
    LeakId Leak,
    LeakStatus Status,
    string Service,
    string Comm,
    string Cmdline,
    string? Cgroup,
    string? ContainerId,
    DateTimeOffset ProcessStarted,
    DateTimeOffset Opened,
    DateTimeOffset GrowthStarted,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset LastSeen,
    int Episodes,
    int Reports,
    LeakReport Latest)
{
    public bool IsOpen => Status is LeakStatus.Suspected or LeakStatus.Confirmed;

    public bool HasApplied(long sequenceNr) => sequenceNr <= LastSequenceNr;

    /// <summary>
    /// The row after event <paramref name="sequenceNr"/> of <paramref name="persistenceId"/>; the same row
    /// when that event was applied already; null when there is no row and the event is not a
    /// <see cref="LeakOpened"/> (a leak whose opening the read side never saw cannot be shown).
    /// </summary>
    public static LeakRow? Apply(LeakRow? row, string persistenceId, long sequenceNr, LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(persistenceId);
        ArgumentNullException.ThrowIfNull(e);
        if (row is not null && row.HasApplied(sequenceNr))
        {
            return row;
        }

        if (row is null && e is not LeakOpened)
        {
            return null;
        }

        var state = LeakState.Apply(row?.ToState(), e);
        var reports = (row?.Reports ?? 0) + (ReportRow.KindOf(e) is null ? 0 : 1);
        return new LeakRow(persistenceId, sequenceNr, state.Leak, state.Status, state.Service, state.Comm, state.Cmdline, state.Cgroup,
            state.ContainerId, state.ProcessStarted, state.Opened, state.GrowthStarted, state.ConfirmedAt, state.EndedAt, state.LastEventTime,
            state.Episodes, reports, state.Latest);
    }

    /// <summary>The lifecycle state this row stands for.</summary>
    private LeakState ToState() => new(Leak, Status, Service, Comm, Cmdline, Cgroup, ContainerId, ProcessStarted, Opened, GrowthStarted,
        ConfirmedAt, EndedAt, Episodes, LastSeen, Latest);
}
