using Akka.Actor;
using Akka.Configuration;
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

namespace MemGrowth.Analytics.Tests.Leaks;

/// <summary>
/// The leak entity on real journals (Akka.Persistence.Sql on SQLite and on PostgreSQL): what it journals
/// survives the actor system, is stored under our stable manifests tagged "leak" for the read model, and a
/// redelivered detection journals nothing.
/// </summary>
public sealed class LeakEntityPersistenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    // A host name of its own per test run: the PostgreSQL database outlives the run.
    private readonly LeakId _leak = new($"test-{Guid.NewGuid():N}", 4242, 599433);

    [Fact]
    public async Task A_standalone_nodes_entity_stops_when_idle_and_the_next_message_recovers_it()
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var system = Start(database);
        var entity = system.ActorOf(LeakEntity.Props(_leak, TimeSpan.FromMilliseconds(300))); // as LeakRegion makes them
        var ack = await entity.Ask<LeakAck>(Detect(DetectionKind.GrowthDetected, 0, 0.7), Timeout);

        Assert.True(await entity.WatchAsync().WaitAsync(Timeout)); // stopped, nothing asked of it for 300 ms
        var again = await system.ActorOf(LeakRegion.Props(TimeSpan.FromMilliseconds(300))).Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);

        Assert.Equal(1, ack.Journaled);
        Assert.Equal((1L, LeakStatus.Suspected), (again.LastSequenceNr, again.State!.Status));
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_journaled_leak_is_recovered_by_a_new_actor_system(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind);
        LeakSnapshot before;
        using (var system = Start(database))
        {
            var entity = system.ActorOf(LeakEntity.Props(_leak));
            foreach (var d in new[] { Detect(DetectionKind.GrowthDetected, 0, 0.7), Detect(DetectionKind.GrowthUpdated, 31, 0.95), Detect(DetectionKind.ProcessExited, 60, 0.95) })
            {
                await entity.Ask<LeakAck>(d, Timeout);
            }

            before = await entity.Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);
            await system.Terminate();
        }

        using (var system = Start(database))
        {
            var entity = system.ActorOf(LeakEntity.Props(_leak));
            var after = await entity.Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);

            Assert.Equal(4, after.LastSequenceNr); // opened, reported, confirmed, ended
            Assert.Equal(LeakStatus.Exited, after.State!.Status);
            Assert.Equal(before.State!.ConfirmedAt, after.State.ConfirmedAt);
            Assert.Equal(before.State, after.State);
            await system.Terminate();
        }

        Assert.Equal(["leak-opened.v1", "leak-reported.v1", "leak-confirmed.v1", "leak-ended.v1"], database.JournaledManifests(LeakEntity.PersistenceIdOf(_leak)));
        Assert.Equal(["leak", "leak", "leak", "leak"], database.JournaledTags(LeakEntity.PersistenceIdOf(_leak)));
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_redelivered_detection_is_acknowledged_and_journals_nothing(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind);
        using var system = Start(database);
        var entity = system.ActorOf(LeakEntity.Props(_leak));
        var detected = Detect(DetectionKind.GrowthDetected, 0, 0.7);

        var first = await entity.Ask<LeakAck>(detected, Timeout);
        var again = await entity.Ask<LeakAck>(detected, Timeout);
        var snapshot = await entity.Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);

        Assert.Equal(1, first.Journaled);
        Assert.Equal(0, again.Journaled);
        Assert.Equal(1, snapshot.LastSequenceNr);
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_batch_is_decided_in_order_journaled_and_acknowledged_once_and_its_redelivery_journals_nothing(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind);
        var detected = Detect(DetectionKind.GrowthDetected, 0, 0.7);
        var updated = Detect(DetectionKind.GrowthUpdated, 31, 0.95);
        var exited = Detect(DetectionKind.ProcessExited, 60, 0.95);
        using (var system = Start(database))
        {
            var entity = system.ActorOf(LeakEntity.Props(_leak));
            await entity.Ask<DetectionAck>(new DeliverDetection("agent", 1, detected), Timeout);

            // The first again (a resend that crossed its ack), then the rest: each decided on the state the ones before it leave.
            var batch = new DeliverDetections("agent", [1, 2, 3], [detected, updated, exited]);
            var ack = await entity.Ask<DetectionsAck>(batch, Timeout);
            var again = await entity.Ask<DetectionsAck>(batch, Timeout);
            var snapshot = await entity.Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);

            Assert.Equal(new DetectionsAck("agent", [1, 2, 3]), ack);
            Assert.Equal(ack, again);
            Assert.Equal(4, snapshot.LastSequenceNr); // opened, then reported, confirmed (31 s open at 0.95), ended; the redelivery added nothing
            Assert.Equal(LeakStatus.Exited, snapshot.State!.Status);
            await system.Terminate();
        }

        Assert.Equal(["leak-opened.v1", "leak-reported.v1", "leak-confirmed.v1", "leak-ended.v1"], database.JournaledManifests(LeakEntity.PersistenceIdOf(_leak)));
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_write_of_more_rows_than_go_row_by_row_goes_by_bulk_copy_and_reads_back_whole(JournalDatabase kind)
    {
        // 150 events in one atomic write: more than max-row-by-row-size (100), so PostgreSQL takes them by binary COPY.
        using var database = new TestDatabase(kind);
        var reports = Enumerable.Range(0, 150).Select(n => Detect(n == 0 ? DetectionKind.GrowthDetected : DetectionKind.GrowthUpdated, n, 0.7)
            is var d ? d with { Memory = d.Memory with { RssBytes = 100 + n }, Samples = Detections.Samples(n, n) } : null!).ToList();
        LeakSnapshot before;
        using (var system = Start(database))
        {
            var entity = system.ActorOf(LeakEntity.Props(_leak));
            await entity.Ask<DetectionsAck>(new DeliverDetections("agent", [.. Enumerable.Range(1, reports.Count).Select(n => (long)n)], reports), Timeout);
            before = await entity.Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);
            await system.Terminate();
        }

        using (var system = Start(database))
        {
            var after = await system.ActorOf(LeakEntity.Props(_leak)).Ask<LeakSnapshot>(new GetLeak(_leak), Timeout);
            Assert.Equal(150, after.LastSequenceNr);
            Assert.Equal(before.State, after.State);

            // Every event whole, as the read model's query reads them back: report and samples.
            var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
            var events = await journal.CurrentEventsByPersistenceId(LeakEntity.PersistenceIdOf(_leak), 0, long.MaxValue)
                .RunAggregate(new List<LeakEvent>(), (list, envelope) => { list.Add((LeakEvent)envelope.Event); return list; }, system.Materializer());
            Assert.Equal(reports.Select(r => r.Memory.RssBytes), events.Select(e => e is LeakOpened o ? o.Report.RssBytes : ((LeakReported)e).Report.RssBytes));
            Assert.Equal(reports.Select(r => r.Samples), events.Select(e => e is LeakOpened o ? o.Samples : ((LeakReported)e).Samples));
            await system.Terminate();
        }

        Assert.Equal(["leak-opened.v1", .. Enumerable.Repeat("leak-reported.v1", 149)], database.JournaledManifests(LeakEntity.PersistenceIdOf(_leak)));
        Assert.All(database.JournaledTags(LeakEntity.PersistenceIdOf(_leak)), t => Assert.Equal("leak", t));
    }

    [Fact]
    public void A_batch_holds_one_leaks_detections_each_with_its_sequence_number()
    {
        var mine = Detect(DetectionKind.GrowthDetected, 0, 0.7);
        var other = Detections.Of(new LeakId(_leak.Host, 4243, 599433), DetectionKind.GrowthDetected, 1, 0.7);

        Assert.Throws<ArgumentException>(() => new DeliverDetections("agent", [1, 2], [mine, other]));
        Assert.Throws<ArgumentException>(() => new DeliverDetections("agent", [1], [mine, mine]));
        Assert.Throws<ArgumentException>(() => new DeliverDetections("agent", [], []));
        Assert.Equal(_leak, new DeliverDetections("agent", [7], [mine]).Leak);
    }

    private static ActorSystem Start(TestDatabase database) =>
        ActorSystem.Create("leaks", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal));

    private Detection Detect(DetectionKind kind, double seconds, double confidence) => Detections.Of(_leak, kind, seconds, confidence);
}
