using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.Tests.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Trends;

/// <summary>
/// The trend entity on real journals (SQLite and PostgreSQL), reached through the standalone node's
/// <see cref="TrendRegion"/>: it aggregates a service's leaks across hosts, journals a resend as nothing,
/// never tags its events "leak", and a new actor system recovers the same trend, from a snapshot too.
/// </summary>
public sealed class ServiceTrendEntityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly LeakId OnWeb1 = new("web-1", 4242, 599433);
    private static readonly LeakId OnWeb2 = new("web-2", 77, 1234);

    private readonly string _service = $"api-{Guid.NewGuid():N}.service";

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Leaks_of_two_hosts_add_up_a_resend_journals_nothing_and_a_new_system_recovers_the_same_trend(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        var web1 = Inputs(OnWeb1, Detections.Of(OnWeb1, DetectionKind.GrowthDetected, 0, 0.7, 1L << 30, 900), Detections.Of(OnWeb1, DetectionKind.GrowthUpdated, 31, 0.95, 1L << 30, 600));
        var web2 = Inputs(OnWeb2, Detections.Of(OnWeb2, DetectionKind.GrowthDetected, 10, 0.7), Detections.Of(OnWeb2, DetectionKind.ProcessOomKilled, 60, 0.7));
        ServiceTrend before;
        using (var system = Start(database))
        {
            var trends = system.ActorOf(TrendRegion.Props());
            var first = await trends.Ask<TrendAck>(new RecordLeakEvents(_service, [.. web1, .. web2]), Timeout);
            var resent = await trends.Ask<TrendAck>(new RecordLeakEvents(_service, [.. web1, .. web2]), Timeout);
            var resentInPart = await trends.Ask<TrendAck>(new RecordLeakEvents(_service, [web1[^1]]), Timeout);
            var reply = await trends.Ask<TrendReply>(new GetTrend(_service), Timeout);
            before = reply.Trend;

            Assert.Equal(web1.Count + web2.Count, first.Journaled);
            Assert.Equal(0, resent.Journaled);
            Assert.Equal(0, resentInPart.Journaled);
            Assert.Equal(1, reply.LastSequenceNr);
            Assert.Equal((1, 1, 2, 2, 1), (before.OpenLeaks, before.HostsNow, before.HostsEver, before.Processes, before.OomKills));
            Assert.Equal(OnWeb1, before.SoonestToLimit!.Leak);
            Assert.Equal(600, before.SoonestToLimit.SecondsToLimit);
            Assert.Equal(Detections.T0, before.FirstSeen);
            Assert.Equal(Detections.T0.AddSeconds(60), before.LastSeen);
            await system.Terminate();
        }

        using (var system = Start(database))
        {
            var reply = await system.ActorOf(TrendRegion.Props()).Ask<TrendReply>(new GetTrend(_service), Timeout);

            Assert.Equal(1, reply.LastSequenceNr);
            Assert.Equal(before.Leaks.Values.OrderBy(l => l.Leak.Host), reply.Trend.Leaks.Values.OrderBy(l => l.Leak.Host));
            Assert.Equal((before.FirstSeen, before.LastSeen), (reply.Trend.FirstSeen, reply.Trend.LastSeen));
            await system.Terminate();
        }

        Assert.Equal(["trend-leak-events-recorded.v1"], database.JournaledManifests(ServiceTrendEntity.PersistenceIdOf(_service), JournalConfig.TrendJournalTable));
        Assert.Empty(database.JournaledTags(ServiceTrendEntity.PersistenceIdOf(_service), JournalConfig.TrendJournalTable));
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_trend_recovers_from_its_snapshot_and_the_events_after_it(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        var detections = new List<Detection> { Detections.Of(OnWeb1, DetectionKind.GrowthDetected, 0, 0.7) };
        detections.AddRange(Enumerable.Range(1, ServiceTrendEntity.SnapshotEvery + 4).Select(i => Detections.Growing(Detections.Of(OnWeb1, DetectionKind.GrowthUpdated, i, 0.7), i)));
        var inputs = Inputs(OnWeb1, [.. detections]);
        var id = ServiceTrendEntity.PersistenceIdOf(_service);
        using (var system = Start(database))
        {
            var trends = system.ActorOf(TrendRegion.Props());
            foreach (var input in inputs)
            {
                await trends.Ask<TrendAck>(new RecordLeakEvents(_service, [input]), Timeout); // one journaled event each
            }

            // The snapshot is saved beside the events, not before their acks: the last events can be acked first.
            await Eventually(() => database.Scalar($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = '{id}'") == 1);
            await system.Terminate();
        }

        // Without the events the snapshot stands for, only the snapshot can tell the trend its leak was opened.
        database.Execute($"DELETE FROM {JournalConfig.TrendJournalTable} WHERE persistence_id = '{id}' AND sequence_number <= {ServiceTrendEntity.SnapshotEvery}");
        using (var system = Start(database))
        {
            var trends = system.ActorOf(TrendRegion.Props());
            var reply = await trends.Ask<TrendReply>(new GetTrend(_service), Timeout);
            var resent = await trends.Ask<TrendAck>(new RecordLeakEvents(_service, inputs), Timeout);

            Assert.Equal(inputs.Count, reply.LastSequenceNr);
            Assert.Equal(inputs[^1].SequenceNr, reply.Trend.Leaks[OnWeb1].LastSequenceNr);
            Assert.Equal(ServiceTrendEntity.SnapshotEvery + 4, reply.Trend.Leaks[OnWeb1].BytesPerSecond);
            Assert.Equal(0, resent.Journaled);
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_trend_drops_leaks_closed_past_its_retention_keeps_its_journal_short_and_recovers_the_same(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        var retention = TimeSpan.FromDays(30);
        var old = Inputs(OnWeb1, Detections.Of(OnWeb1, DetectionKind.GrowthDetected, 0, 0.7), Detections.Of(OnWeb1, DetectionKind.ProcessOomKilled, 60, 0.7));
        var later = TimeSpan.FromDays(40).TotalSeconds;
        var detections = new List<Detection> { Detections.Of(OnWeb2, DetectionKind.GrowthDetected, later, 0.7) };
        const int Covered = ServiceTrendEntity.SnapshotEvery * ServiceTrendEntity.DeleteEvery; // what the first deletion covers
        detections.AddRange(Enumerable.Range(1, Covered + 2).Select(i => Detections.Of(OnWeb2, DetectionKind.GrowthUpdated, later + i, 0.7)));
        var recent = Inputs(OnWeb2, [.. detections]);
        var id = ServiceTrendEntity.PersistenceIdOf(_service);
        ServiceTrend before;
        using (var system = Start(database))
        {
            var trends = system.ActorOf(TrendRegion.Props(retention));
            await trends.Ask<TrendAck>(new RecordLeakEvents(_service, old), Timeout);
            foreach (var input in recent)
            {
                await trends.Ask<TrendAck>(new RecordLeakEvents(_service, [input]), Timeout); // one journaled event each: past a snapshot
            }

            before = (await trends.Ask<TrendReply>(new GetTrend(_service), Timeout)).Trend;

            // The events the snapshots cover go at every DeleteEvery-th snapshot (the last of them stays, marked
            // deleted, for the sequence number), and the older snapshots with them.
            await Eventually(() => database.Scalar($"SELECT COUNT(*) FROM {JournalConfig.TrendJournalTable} WHERE persistence_id = '{id}' AND sequence_number <= {Covered}") == 1);
            await Eventually(() => database.Scalar($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = '{id}'") == 1);
            await system.Terminate();
        }

        Assert.Equal([OnWeb2], before.Leaks.Keys);
        Assert.Equal((1, 2, 2, 1), (before.OpenLeaks, before.HostsEver, before.Processes, before.OomKills));
        Assert.Equal("service-trend.v2", database.Text($"SELECT manifest FROM snapshot WHERE persistence_id = '{id}'"));
        var journaled = 1 + recent.Count; // one event for the old leak's batch, one per recent input
        Assert.Equal(journaled - Covered, database.Scalar($"SELECT COUNT(*) FROM {JournalConfig.TrendJournalTable} WHERE persistence_id = '{id}' AND deleted = FALSE"));

        // Recovered from the snapshot and the events after it: the trend the same events make, retained batch by batch as the entity does.
        var replayed = new[] { old }.Concat(recent.Select(i => (List<TrendInput>)[i]))
            .Aggregate(ServiceTrend.Empty(_service), (t, batch) => batch.Aggregate(t, (u, i) => u.Apply(i)).Retain(retention));
        using (var system = Start(database))
        {
            var reply = await system.ActorOf(TrendRegion.Props(retention)).Ask<TrendReply>(new GetTrend(_service), Timeout);

            Assert.Equal(journaled, reply.LastSequenceNr);
            foreach (var trend in new[] { reply.Trend, replayed })
            {
                Assert.Equal(before.Leaks.Values, trend.Leaks.Values);
                Assert.Equal(before.Dropped, trend.Dropped);
                Assert.Equal((before.FirstSeen, before.LastSeen), (trend.FirstSeen, trend.LastSeen));
            }

            await system.Terminate();
        }
    }

    /// <summary>Waits for what an actor does after its reply (a deletion after a snapshot), checking every 50 ms for up to 10 s.</summary>
    private static async Task Eventually(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (!condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail("not within 10 s");
            }
        }
    }

    private static ActorSystem Start(TestDatabase database) =>
        ActorSystem.Create("trends", ConfigurationFactory.ParseString(MessageSerializer.Config).WithFallback(database.Journal));

    private static List<TrendInput> Inputs(LeakId leak, params Detection[] detections) =>
        [.. LeakRowTests.Journal(detections).Select(p => new TrendInput(LeakEntity.PersistenceIdOf(leak), p.Seq, p.Event))];
}
