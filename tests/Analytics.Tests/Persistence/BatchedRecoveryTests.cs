using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Persistence;

/// <summary>
/// Recovery through <see cref="BatchedSnapshotStore"/> and <see cref="BatchedWriteJournal"/> on real
/// databases (each test in a database of its own): entities started together, whose snapshot loads and
/// sequence-number reads go to the database in batches, each recover their own latest snapshot and the
/// events after it; and an entity started again while its last write is still going recovers that write.
/// </summary>
public sealed class BatchedRecoveryTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>More than the recoveries Akka runs at once (50), so some start as others finish.</summary>
    private const int Entities = 120;

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Entities_started_together_each_recover_their_own_latest_snapshot_and_the_events_after_it(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        var expected = new Dictionary<string, Counted>();
        using (var system = Start(database))
        {
            // Entity i: a few events, a snapshot for two in three, more events, a second snapshot for one in
            // three, one more event. Values differ by entity, so a snapshot or event of another shows in the sum.
            await Task.WhenAll(Enumerable.Range(0, Entities).Select(async i =>
            {
                var id = $"counter-{i}";
                var counter = system.ActorOf(Counter.Props(id));
                await counter.Ask<long>(new Add(Values(i, 1, 3 + (i % 4))), Timeout);
                long snapshot = 0;
                if (i % 3 != 0)
                {
                    snapshot = await counter.Ask<long>(Snap.Instance, Timeout);
                }

                await counter.Ask<long>(new Add(Values(i, 4 + (i % 4), i % 2)), Timeout);
                if (i % 3 == 2)
                {
                    snapshot = await counter.Ask<long>(Snap.Instance, Timeout);
                    await counter.Ask<long>(new Add(Values(i, 4 + (i % 4) + (i % 2), 1)), Timeout);
                }

                var written = await counter.Ask<Counted>(Get.Instance, Timeout);
                Assert.Equal(0, written.RecoveredFrom);
                lock (expected)
                {
                    expected[id] = written with { RecoveredFrom = snapshot };
                }
            }));
            await system.Terminate();
        }

        Assert.Equal(Entities * 2 / 3, database.Scalar("SELECT COUNT(DISTINCT persistence_id) FROM snapshot"));
        using (var system = Start(database))
        {
            var recovered = await Task.WhenAll(expected.Keys.Select(id => system.ActorOf(Counter.Props(id)).Ask<Counted>(Get.Instance, Timeout)));
            foreach (var (id, counted) in expected.Keys.Zip(recovered))
            {
                Assert.Equal(expected[id], counted);
            }

            // Entities never journaled recover empty, asked among the others.
            var unknown = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => system.ActorOf(Counter.Props($"never-{i}")).Ask<Counted>(Get.Instance, Timeout)));
            Assert.All(unknown, c => Assert.Equal(new Counted(0, 0, 0), c));
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task An_entity_started_again_while_its_last_write_is_still_going_recovers_that_write(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var system = Start(database);
        var first = system.ActorOf(Counter.Props("counter-restarted"));
        Assert.Equal(1, await first.Ask<long>(new Add([7]), Timeout));
        var inbox = Inbox.Create(system);
        inbox.Watch(first);

        // Thousands of events in one write, and the entity stops as it asks for it: the write is still going
        // when the next one starts, unless the journal waits for it before reading the highest sequence number.
        var values = Enumerable.Range(1, 5000).Select(n => (long)n).ToList();
        first.Tell(new AddAndStop(values));
        Assert.IsType<Terminated>(await inbox.ReceiveAsync(Timeout));
        var again = await system.ActorOf(Counter.Props("counter-restarted")).Ask<Counted>(Get.Instance, Timeout);

        Assert.Equal(new Counted(0, 7 + values.Sum(), 1 + values.Count), again);
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Snapshots_saved_and_deleted_in_one_batch_each_land_as_the_plugin_would_have_them(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using (var system = Start(database))
        {
            // The store creates its table on start; a load through it waits for that.
            var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
            await store.Ask<LoadSnapshotResult>(new LoadSnapshot("none", SnapshotSelectionCriteria.Latest, long.MaxValue), Timeout);
            await system.Terminate();
        }

        var table = PluginTable.Of(database.Journal.GetConfig("akka.persistence.snapshot-store.sql"), "snapshot")!;
        StoredSnapshot Stored(long seq, byte mark) => new(seq, 1000 + seq, [mark], "m" + mark, 7);
        await SnapshotWrites.SaveAsync(table, [("a", Stored(10, 1)), ("a", Stored(20, 2)), ("b", Stored(10, 3)), ("a", Stored(20, 4)), ("c", Stored(5, 5))]);
        await SnapshotWrites.SaveAsync(table, [("c", Stored(5, 6))]);
        var latest = await LatestSnapshots.ReadAsync(table, ["a", "b", "c", "d"]);

        // The later of two saves of one sequence number, in one batch or in two.
        Assert.Equal(["m4", "m3", "m6"], latest.Take(3).Select(l => l!.Manifest));
        Assert.Equal([4], latest[0]!.Payload);
        Assert.Equal((20, 1020, 7), (latest[0]!.SequenceNr, latest[0]!.Created, latest[0]!.SerializerId));
        Assert.Null(latest[3]);
        Assert.Equal(4, database.Scalar("SELECT COUNT(*) FROM snapshot"));

        // Up to and including the sequence number, each id by its own.
        await SnapshotWrites.DeleteAsync(table, [("a", 10), ("b", 9), ("c", 5)]);
        Assert.Equal(["a/20", "b/10"], database.Texts("SELECT persistence_id || '/' || sequence_number FROM snapshot ORDER BY persistence_id"));
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public void The_configured_journals_and_snapshot_store_read_their_tables_in_batches(JournalDatabase kind)
    {
        const string connectionString = "Data Source=/nowhere/fleet.db";
        var config = JournalConfig.Load(kind, connectionString);

        var journal = config.GetConfig("akka.persistence.journal.sql");
        var trends = config.GetConfig(JournalConfig.TrendJournalId);
        var snapshots = config.GetConfig("akka.persistence.snapshot-store.sql");

        Assert.Equal(typeof(BatchedWriteJournal), Type.GetType(journal.GetString("class")));
        Assert.Equal(typeof(BatchedWriteJournal), Type.GetType(trends.GetString("class")));
        Assert.Equal(typeof(BatchedSnapshotStore), Type.GetType(snapshots.GetString("class")));
        Assert.Equal(new PluginTable(kind, connectionString, "\"journal\""), PluginTable.Of(journal, "journal"));
        Assert.Equal(new PluginTable(kind, connectionString, $"\"{JournalConfig.TrendJournalTable}\""), PluginTable.Of(trends, "journal"));
        Assert.Equal(new PluginTable(kind, connectionString, "\"snapshot\""), PluginTable.Of(snapshots, "snapshot"));
    }

    [Theory]
    [InlineData("table-mapping = sqlite")]
    [InlineData("provider-name = \"SqlServer.2019\"")]
    [InlineData("default.snapshot.columns.created = made")]
    [InlineData("connection-string = \"\"")]
    public void A_table_mapped_otherwise_is_left_to_the_plugins_own_queries(string setting)
    {
        var config = ConfigurationFactory.ParseString(setting)
            .WithFallback(JournalConfig.Load(JournalDatabase.Sqlite, "Data Source=/nowhere/fleet.db").GetConfig("akka.persistence.snapshot-store.sql"));

        Assert.Null(PluginTable.Of(config, "snapshot"));
    }

    [Fact]
    public void A_schema_of_its_own_qualifies_the_table()
    {
        var config = ConfigurationFactory.ParseString("default.schema-name = fleet")
            .WithFallback(JournalConfig.Load(JournalDatabase.PostgreSql, "Host=nowhere").GetConfig("akka.persistence.journal.sql"));

        Assert.Equal("\"fleet\".\"journal\"", PluginTable.Of(config, "journal")?.Table);
    }

    private static List<long> Values(int entity, int from, int count) =>
        Enumerable.Range(from, count).Select(n => (entity * 1000L) + n).ToList();

    private static ActorSystem Start(TestDatabase database) =>
        ActorSystem.Create("recovery", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal));

    private sealed record Add(List<long> Values);

    private sealed record AddAndStop(List<long> Values);

    private sealed record Snap
    {
        public static readonly Snap Instance = new();
    }

    private sealed record Get
    {
        public static readonly Get Instance = new();
    }

    /// <param name="RecoveredFrom">The sequence number of the snapshot it recovered from; 0 for none.</param>
    private sealed record Counted(long RecoveredFrom, long Sum, long LastSequenceNr);

    /// <summary>Journals numbers and keeps their sum; snapshots the sum when asked.</summary>
    private sealed class Counter : ReceivePersistentActor
    {
        private long _sum;
        private long _recoveredFrom;
        private IActorRef? _snapshotAsker;

        public Counter(string persistenceId)
        {
            PersistenceId = persistenceId;
            Recover<SnapshotOffer>(offer => (_sum, _recoveredFrom) = ((long)offer.Snapshot, offer.Metadata.SequenceNr));
            Recover<long>(value => _sum += value);
            Command<Add>(add =>
            {
                var sender = Sender;
                PersistAll(add.Values, value => _sum += value);
                DeferAsync(add, _ => sender.Tell(LastSequenceNr));
            });
            Command<AddAndStop>(add =>
            {
                PersistAll(add.Values, _ => { });
                Context.Stop(Self);
            });
            Command<Snap>(_ =>
            {
                _snapshotAsker = Sender;
                SaveSnapshot(_sum);
            });
            Command<SaveSnapshotSuccess>(saved => _snapshotAsker?.Tell(saved.Metadata.SequenceNr));
            Command<Get>(_ => Sender.Tell(new Counted(_recoveredFrom, _sum, LastSequenceNr)));
        }

        public override string PersistenceId { get; }

        public static Props Props(string persistenceId) => Akka.Actor.Props.Create(() => new Counter(persistenceId));
    }
}
