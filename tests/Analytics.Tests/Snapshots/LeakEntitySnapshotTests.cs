using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Snapshots;

/// <summary>
/// The leak entity's snapshots on real stores (Akka.Persistence.Sql on SQLite and on PostgreSQL, each test
/// in a database of its own): a leak with more than two snapshots' worth of events keeps exactly its latest
/// snapshot, which holds the state a full replay of the journal gives up to it, and a new actor system
/// recovers the entity from that snapshot and the events after it to the full replay's state.
/// </summary>
public sealed class LeakEntitySnapshotTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly LeakId _leak = new($"test-{Guid.NewGuid():N}", 4242, 599433);

    private string PersistenceId => LeakEntity.PersistenceIdOf(_leak);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_leak_recovers_from_its_latest_snapshot_and_the_events_after_it_to_the_state_of_a_full_replay(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        var journaled = await FeedAsync(database);
        var latest = LeakEntity.LatestSnapshotAt(PersistenceId, journaled);
        Assert.True(LeakEntity.LatestSnapshotAt(PersistenceId, latest - 1) > 0, $"{journaled} events: too few for an older snapshot to be deleted");

        LeakState replayed;
        using (var system = Start(database))
        {
            replayed = await ReplayAsync(system, journaled);

            // Read back through the snapshot store itself, by a system that never ran the entity.
            var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
            var loaded = await store.Ask<LoadSnapshotResult>(new LoadSnapshot(PersistenceId, SnapshotSelectionCriteria.Latest, long.MaxValue), Timeout);
            Assert.NotNull(loaded.Snapshot);
            Assert.Equal(latest, loaded.Snapshot.Metadata.SequenceNr);
            LeakStates.AssertSame(await ReplayAsync(system, latest), loaded.Snapshot.Snapshot as LeakState);

            var recovered = await system.ActorOf(LeakEntity.Props(_leak)).Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);
            Assert.Equal(journaled, recovered.LastSequenceNr);
            LeakStates.AssertSame(replayed, recovered.State);
            await system.Terminate();
        }

        Assert.Equal((1, latest), StoredSnapshots(database));

        // The proof that recovery reads only the events after the snapshot: without the events it covers
        // (a replay from the first event would now start with a report of a leak never opened, and fail),
        // the entity still recovers to the full replay's state.
        database.Execute($"DELETE FROM journal WHERE persistence_id = '{PersistenceId}' AND sequence_number <= {latest}");
        Assert.Equal(journaled - latest, database.Scalar($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{PersistenceId}'"));
        using (var system = Start(database))
        {
            var recovered = await system.ActorOf(LeakEntity.Props(_leak)).Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);
            Assert.Equal(journaled, recovered.LastSequenceNr);
            LeakStates.AssertSame(replayed, recovered.State);
            await system.Terminate();
        }
    }

    [Fact]
    public void Each_leak_snapshots_every_so_many_events_at_a_point_of_its_own_so_leaks_started_together_spread_their_snapshots()
    {
        var ids = Enumerable.Range(0, 1000).Select(i => LeakEntity.PersistenceIdOf(new LeakId("web-1", 100_000 + i, (ulong)i + 1))).ToList();
        var n = LeakEntity.SnapshotEvery;
        foreach (var id in ids)
        {
            // Exactly one snapshot in any run of SnapshotEvery events, wherever it starts.
            foreach (var start in new long[] { 1, 2, n / 3, n, 7 * n + 5 })
            {
                Assert.Single(Enumerable.Range(0, n), k => LeakEntity.SnapshotDue(id, start + k));
            }

            Assert.Equal(Enumerable.Range(1, 3 * n).Last(k => LeakEntity.SnapshotDue(id, k)), LeakEntity.LatestSnapshotAt(id, 3 * n));
        }

        // 1,000 leaks fed in step: at no event do more than a few dozen of them snapshot together.
        var together = Enumerable.Range(1, n).Max(k => ids.Count(id => LeakEntity.SnapshotDue(id, k)));
        Assert.InRange(together, 1, 20);
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_snapshot_the_store_cannot_save_is_logged_and_the_entity_goes_on(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var system = Start(database);
        var warnings = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new WarningListener(warnings))), typeof(Akka.Event.Warning));
        var entity = system.ActorOf(LeakEntity.Props(_leak));
        await entity.Ask<LeakAck>(Detections.Of(_leak, DetectionKind.GrowthDetected, 0, 0.7), Timeout);

        // The entity recovered, so the store has created its table; without it, the save fails.
        database.Execute("DROP TABLE snapshot");
        var acks = await InOrderAsks.AllAsync<LeakAck>(entity, Enumerable.Range(1, LeakEntity.SnapshotEvery + 10)
            .Select(i => Detections.Of(_leak, DetectionKind.GrowthUpdated, i, 0.8)), Timeout);
        var warning = await warnings.Task.WaitAsync(Timeout);
        var after = await entity.Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);
        var first = Enumerable.Range(2, LeakEntity.SnapshotEvery).First(n => LeakEntity.SnapshotDue(PersistenceId, n));

        Assert.Contains($"{PersistenceId}: snapshot at event {first} not saved", warning, StringComparison.Ordinal);
        Assert.All(acks, a => Assert.Equal(1, a.Journaled));
        Assert.Equal(LeakEntity.SnapshotEvery + 11, after.LastSequenceNr);
        Assert.Equal(Detections.T0.AddSeconds(LeakEntity.SnapshotEvery + 10), after.State!.LastEventTime);
        await system.Terminate();
    }

    /// <summary>
    /// More than two snapshots' worth of detections, with a resolve and a reopening between them; returns how
    /// many events were journaled once the latest snapshot is the only one left.
    /// </summary>
    private async Task<long> FeedAsync(TestDatabase database)
    {
        var detections = new List<Detection> { Detections.Of(_leak, DetectionKind.GrowthDetected, 0, 0.7) };
        var updates = LeakEntity.SnapshotEvery * 2 + LeakEntity.SnapshotEvery / 5;
        for (var i = 1; i <= updates; i++)
        {
            detections.Add(Detections.Of(_leak, i == updates / 2 ? DetectionKind.GrowthResolved : DetectionKind.GrowthUpdated, i, 0.95));
        }

        using var system = Start(database);
        var entity = system.ActorOf(LeakEntity.Props(_leak));

        // Asked all at once: the entity handles them in order, one journal write after another.
        var acks = await InOrderAsks.AllAsync<LeakAck>(entity, detections, Timeout);
        var journaled = acks.Sum(a => (long)a.Journaled);
        var latest = LeakEntity.LatestSnapshotAt(PersistenceId, journaled);

        // The older snapshots' deletion follows the save of the latest on its own: nothing to await but the
        // store's content (the entity reports neither), so look until it holds only the latest.
        var deadline = DateTime.UtcNow + Timeout;
        while (StoredSnapshots(database) != (1, latest))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the snapshot store holds (count, latest) {StoredSnapshots(database)}, not only the snapshot at {latest}");
            await Task.Delay(50);
        }

        await system.Terminate();
        return journaled;
    }

    /// <summary>The state a full replay of the journal gives up to <paramref name="to"/>, read by the query side.</summary>
    private async Task<LeakState> ReplayAsync(ActorSystem system, long to)
    {
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        var state = await journal.CurrentEventsByPersistenceId(PersistenceId, 0, to)
            .RunAggregate((LeakState?)null, (s, envelope) => LeakState.Apply(s, (LeakEvent)envelope.Event), system.Materializer());
        return state ?? throw new InvalidOperationException($"nothing journaled for {PersistenceId}");
    }

    /// <summary>How many snapshots the store's table holds for the leak, and the latest one's sequence number.</summary>
    private (long Count, long Latest) StoredSnapshots(TestDatabase database) => (
        database.Scalar($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = '{PersistenceId}'"),
        database.Scalar($"SELECT MAX(sequence_number) FROM snapshot WHERE persistence_id = '{PersistenceId}'"));

    private static ActorSystem Start(TestDatabase database) =>
        ActorSystem.Create("leaks", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal));

    /// <summary>Completes with the first warning logged that says a snapshot was not saved.</summary>
    private sealed class WarningListener : ReceiveActor
    {
        public WarningListener(TaskCompletionSource<string> first) =>
            Receive<Akka.Event.Warning>(w => w.Message?.ToString()?.Contains("not saved", StringComparison.Ordinal) == true, w => first.TrySetResult(w.Message!.ToString()!));
    }
}
