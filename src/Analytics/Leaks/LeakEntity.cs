using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>
/// One leaking process, event-sourced: a thin persistent actor around <see cref="LeakDecider"/> (what a
/// command means) and <see cref="LeakState.Apply"/> (what an event does). Duplicates journal nothing and
/// are still acknowledged, so an at-least-once sender can move on. Every <see cref="SnapshotEvery"/>th
/// event it snapshots its state, so recovery reads the latest snapshot and the events after it, not the
/// leak's whole journal. The journal is kept whole for the read model until the history's retention forgets
/// the leak (Retention.HistoryPruner), which leaves only its last event, marked deleted.
/// </summary>
public sealed class LeakEntity : ReceivePersistentActor
{
    /// <summary>
    /// Events between snapshots. A snapshot is about one event's size (the state holds the latest report
    /// only), so it adds a fraction of a percent to what is written and bounds a recovery to one snapshot and
    /// fewer than this many events, however old the leak (where in the count each leak snapshots: <see cref="SnapshotDue"/>). Every 100 events was measured too: at 20,000
    /// detections/s the snapshot writes and deletions slowed acknowledgements into resends (bench ingest).
    /// </summary>
    public const int SnapshotEvery = 500;

    private readonly int _snapshotOffset;

    private LeakState? _state;

    /// <param name="stopWhenIdle">Stop after this long without a message (a standalone node's entities; sharding passivates its own), or never.</param>
    public LeakEntity(LeakId leak, TimeSpan? stopWhenIdle)
    {
        if (stopWhenIdle is { } idle)
        {
            Context.SetReceiveTimeout(idle);
            Command<ReceiveTimeout>(_ => Context.Stop(Self));
        }

        Leak = leak;
        PersistenceId = PersistenceIdOf(leak);
        _snapshotOffset = SnapshotOffset(PersistenceId);
        Recover<SnapshotOffer>(offer => _state = offer.Snapshot as LeakState
            ?? throw new InvalidOperationException($"{PersistenceId}: snapshot {offer.Metadata.SequenceNr} is a {offer.Snapshot?.GetType().Name}, not a leak state"));
        Recover<LeakEvent>(e =>
        {
            // The history's retention forgot this leak (Retention.HistoryPruner) as an event was being journaled:
            // what follows its opening is meaningless alone. The next detection opens the leak anew.
            if (_state is null && e is not LeakOpened)
            {
                Log.Warning("{0}: event {1} ({2}) has no opening before it (forgotten by the history's retention); skipped", PersistenceId, LastSequenceNr, e.GetType().Name);
                return;
            }

            _state = LeakState.Apply(_state, e);
        });
        // An event that does not read (journaled by an older build, or damaged) is stepped over, as the
        // projection quarantines it: failing the recovery would lose the leak's every later delivery.
        Recover<UnreadableMessage>(u => Log.Warning("{0}: event {1} does not read ({2}); skipped", PersistenceId, LastSequenceNr, u.Reason));
        Command<SaveSnapshotSuccess>(saved => DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1)));
        Command<SaveSnapshotFailure>(failed => Log.Warning(failed.Cause,
            "{0}: snapshot at event {1} not saved; recovery replays from the previous one, and the next is taken at event {2}",
            PersistenceId, failed.Metadata.SequenceNr, failed.Metadata.SequenceNr + SnapshotEvery));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => Log.Warning(failed.Cause,
            "{0}: snapshots before event {1} not deleted; the next snapshot's deletion takes them too", PersistenceId, failed.Criteria.MaxSequenceNr + 1));
        // A detection that is not a node's, or not this leak's, is refused: never journaled, acknowledged (see DeliveryRefusals).
        Command<Detection>(d => Handle(Refused("this node", 0, d) ? [] : LeakDecider.Decide(_state, d), new LeakAck(Leak, d.Time, 0)));
        Command<DeliverDetection>(m => Handle(Refused(m.Producer, m.Seq, m.Detection) ? [] : LeakDecider.Decide(_state, m.Detection), new DetectionAck(m.Producer, m.Seq)));
        Command<DeliverDetections>(m => Handle(DecideAll(m), new DetectionsAck(m.Producer, m.Seqs)));
        Command<OomKill>(k => Handle(LeakDecider.DecideOomKill(_state, k.Time), new LeakAck(Leak, k.Time, 0)));
        Command<GetLeak>(_ => Sender.Tell(new LeakSnapshot(Leak, _state, LastSequenceNr)));
    }

    public LeakId Leak { get; }

    public override string PersistenceId { get; }

    public static string PersistenceIdOf(LeakId leak) => "leak-" + leak;

    public static Props Props(LeakId leak) => Props(leak, null);

    /// <param name="stopWhenIdle">Stop after this long without a message, or never (sharding passivates instead).</param>
    public static Props Props(LeakId leak, TimeSpan? stopWhenIdle) => Akka.Actor.Props.Create(() => new LeakEntity(leak, stopWhenIdle));

    /// <summary>
    /// What a batch of detections means, in order: each decided on the state the ones before it leave, as
    /// if they had come one at a time (a duplicate within the batch yields nothing, as one across batches does). Its refused detections, and any that is not this leak's or not a node's, are logged and skipped: the rest are journaled.
    /// </summary>
    private List<LeakEvent> DecideAll(DeliverDetections batch)
    {
        foreach (var refused in batch.Refused)
        {
            DeliveryRefusals.Refuse(Log, PersistenceId, batch.Producer, refused.Seq, refused.Reason);
        }

        var detections = batch.Detections;
        var events = new List<LeakEvent>(detections.Count + 1);
        var state = _state;
        for (var i = 0; i < detections.Count; i++)
        {
            var d = detections[i];
            if (Refused(batch.Producer, batch.DetectionSeqs[i], d))
            {
                continue;
            }

            foreach (var e in LeakDecider.Decide(state, d))
            {
                events.Add(e);
                state = LeakState.Apply(state, e);
            }
        }

        return events;
    }

    /// <summary>Whether <paramref name="d"/> is refused here (logged and counted when it is).</summary>
    private bool Refused(string producer, long seq, Detection d)
    {
        if (DeliveryRefusals.Problem(Leak, d) is not { } problem)
        {
            return false;
        }

        DeliveryRefusals.Refuse(Log, PersistenceId, producer, seq, problem);
        return true;
    }

    /// <summary>Journals the events, then acks: only what is safely stored is acknowledged.</summary>
    private void Handle(IReadOnlyList<LeakEvent> events, object ack)
    {
        var sender = Sender;
        if (events.Count == 0)
        {
            sender.Tell(ack);
            return;
        }

        if (ack is LeakAck leakAck)
        {
            ack = leakAck with { Journaled = events.Count };
        }

        var applied = 0;
        PersistAll(events, e =>
        {
            _state = LeakState.Apply(_state, e);
            SnapshotIfDue();
            if (++applied == events.Count)
            {
                sender.Tell(ack);
            }
        });
    }

    /// <summary>
    /// Whether the entity <paramref name="persistenceId"/> snapshots after event <paramref name="sequenceNr"/>:
    /// every <see cref="SnapshotEvery"/>th event, shifted by an offset of the leak's own (a stable hash of its
    /// persistence id), so leaks that started together do not all snapshot at once. 1,000 leaks fed in step
    /// all reached event 500 in the same second and their snapshot writes held ingest up for 2 s (bench ingest).
    /// </summary>
    public static bool SnapshotDue(string persistenceId, long sequenceNr) => IsDue(sequenceNr, SnapshotOffset(persistenceId));

    /// <summary>The latest event at or before <paramref name="sequenceNr"/> after which <paramref name="persistenceId"/> snapshots (0 for none).</summary>
    public static long LatestSnapshotAt(string persistenceId, long sequenceNr)
    {
        var due = sequenceNr - ((sequenceNr + SnapshotOffset(persistenceId)) % SnapshotEvery);
        return Math.Max(due, 0);
    }

    private static int SnapshotOffset(string persistenceId) => LeakMessageExtractor.ShardOf(persistenceId, SnapshotEvery);

    /// <summary>Called after each event applied: snapshots the state as of <see cref="Eventsourced.LastSequenceNr"/> when <see cref="SnapshotDue"/> (its offset computed once).</summary>
    private void SnapshotIfDue()
    {
        if (IsDue(LastSequenceNr, _snapshotOffset))
        {
            SaveSnapshot(_state);
        }
    }

    /// <summary><see cref="SnapshotDue"/> with the offset computed: one formula for the entity and the schedule's tests.</summary>
    private static bool IsDue(long sequenceNr, int offset) => (sequenceNr + offset) % SnapshotEvery == 0;
}
