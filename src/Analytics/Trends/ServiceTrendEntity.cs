using Akka.Actor;
using Akka.Persistence;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.Retention;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// One service's trend across the fleet, event-sourced: a thin persistent actor around
/// <see cref="ServiceTrend"/>. Each <see cref="RecordLeakEvents"/> journals one <see cref="LeakEventsRecorded"/>
/// holding only the leak events it had not seen (by each leak's sequence number), then acks; a resend
/// journals nothing and is still acked (one that crosses its first send may journal a duplicate that applies as nothing). A snapshot every <see cref="SnapshotEvery"/> events keeps recovery short,
/// and every <see cref="DeleteEvery"/>th one, the events and older snapshots it covers are deleted.
/// After each journaled event (and each one replayed) the trend drops the leaks closed longer than the history's
/// retention (<see cref="ServiceTrend.Retain"/>), so its state and snapshots hold the recent leaks, not all of them.
/// </summary>
public sealed class ServiceTrendEntity : ReceivePersistentActor
{
    /// <summary>Journaled events between snapshots.</summary>
    public const int SnapshotEvery = 100;

    /// <summary>
    /// Snapshots between deletions of what they cover. Akka.Persistence.Sql builds and compiles its delete
    /// query afresh each time: at one deletion per snapshot that was 4 % of an analytics node's CPU at 20,000
    /// detections/s (perf, a service fed by 1,000 leaks); the trend's journal holds at most this many
    /// snapshots' worth of events instead of one.
    /// </summary>
    public const int DeleteEvery = 5;

    private readonly TimeSpan _retention;
    private ServiceTrend _trend;

    public ServiceTrendEntity(string service, TimeSpan retention)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        _retention = HistoryRetention.Check(retention);
        _trend = ServiceTrend.Empty(service);
        PersistenceId = PersistenceIdOf(service);
        JournalPluginId = JournalConfig.TrendJournalId; // a writer of its own, beside the leak entities' (same table)
        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is ServiceTrend trend)
            {
                _trend = trend;
            }
        });
        Recover<LeakEventsRecorded>(Apply);
        Command<RecordLeakEvents>(Record);
        Command<GetTrend>(_ => Sender.Tell(new TrendReply(_trend, LastSequenceNr)));
        Command<SaveSnapshotSuccess>(s =>
        {
            // The snapshot holds all the trend is: the events it covers are never read again (the projection
            // reads leak events only), so they go, and the trend's journal stays within DeleteEvery snapshot intervals.
            if (s.Metadata.SequenceNr % (SnapshotEvery * DeleteEvery) == 0)
            {
                DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
                DeleteMessages(s.Metadata.SequenceNr);
            }
        });
        Command<SaveSnapshotFailure>(_ => { });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(_ => { });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(_ => { }); // the next snapshot's deletion takes them too
    }

    public override string PersistenceId { get; }

    public static string PersistenceIdOf(string service) => "trend-" + service;

    /// <param name="retention">How long a closed leak stays in the trend (<see cref="HistoryRetention.Default"/> unless given).</param>
    public static Props Props(string service, TimeSpan? retention = null)
    {
        var keep = retention ?? HistoryRetention.Default;
        return Akka.Actor.Props.Create(() => new ServiceTrendEntity(service, keep));
    }

    /// <summary>Journals what is new, then acks: only what is safely stored is acknowledged.</summary>
    private void Record(RecordLeakEvents command)
    {
        var sender = Sender;
        var unseen = _trend.Unseen(command.Events);
        if (unseen.Count == 0)
        {
            sender.Tell(new TrendAck(command.Service, 0));
            return;
        }

        // PersistAsync: the chunks of a batch arrive together and their writes share the journal's next round
        // trip, where Persist would hold each chunk until the one before it is stored. Handlers still run in
        // order; a chunk's unseen events are judged before the ones in flight are applied, so a resend crossing
        // its first send may journal a duplicate, which Apply skips (by sequence number) as it does on replay.
        PersistAsync(new LeakEventsRecorded(unseen), recorded =>
        {
            Apply(recorded);
            sender.Tell(new TrendAck(command.Service, recorded.Events.Count));
            if (LastSequenceNr % SnapshotEvery == 0)
            {
                SaveSnapshot(_trend);
            }
        });
    }

    private void Apply(LeakEventsRecorded recorded)
    {
        foreach (var input in recorded.Events)
        {
            _trend = _trend.Apply(input);
        }

        _trend = _trend.Retain(_retention);
    }
}
