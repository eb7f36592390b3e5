using Akka.Actor;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Retention;
using MemGrowth.Analytics.Tests.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.Retention;

/// <summary>
/// The history's retention on real journals and read models (SQLite and PostgreSQL): leaks closed before the
/// cut-off lose their journal events, snapshots, reports, samples and row; open, recent and not-yet-projected
/// ones keep everything; a forgotten leak's process that grows again is a new leak, at the next sequence number.
/// </summary>
public sealed class HistoryPrunerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly LeakId Exited = new("web-1", 1, 1);        // 501 events (a snapshot), exited at T0 + 10 min
    private static readonly LeakId Resolved = new("web-2", 2, 2);      // resolved at T0 + 100 s
    private static readonly LeakId Open = new("web-3", 3, 3);          // open since T0
    private static readonly LeakId Recent = new("web-4", 4, 4);        // resolved at T0 + 2 h, after the cut-off
    private static readonly LeakId Reopening = new("web-5", 5, 5);     // resolved at T0 + 100 s, reopened since the last projection

    private static readonly DateTimeOffset CutOff = Detections.T0.AddHours(1);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Leaks_closed_before_the_cut_off_are_forgotten_and_the_others_kept_whole(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        Dictionary<LeakId, (long Journal, long Reports)> before;
        using (var system = LeakProjectionTests.Start(database))
        {
            var trends = system.ActorOf(TrendRegion.Props());
            var exited = new List<Detection> { Detection(Exited, DetectionKind.GrowthDetected, 0) };
            exited.AddRange(Enumerable.Range(1, LeakEntity.SnapshotEvery - 1).Select(i => Detection(Exited, DetectionKind.GrowthUpdated, i)));
            exited.Add(Detection(Exited, DetectionKind.ProcessExited, 600));
            await Tell(system, Exited, [.. exited]);
            await Tell(system, Resolved, Detection(Resolved, DetectionKind.GrowthDetected, 0), Detection(Resolved, DetectionKind.GrowthResolved, 100));
            await Tell(system, Open, Detection(Open, DetectionKind.GrowthDetected, 0));
            await Tell(system, Recent, Detection(Recent, DetectionKind.GrowthDetected, 7200), Detection(Recent, DetectionKind.GrowthResolved, 7300));
            await Tell(system, Reopening, Detection(Reopening, DetectionKind.GrowthDetected, 0), Detection(Reopening, DetectionKind.GrowthResolved, 100));
            await LeakProjection.CatchUpAsync(system, store, cts.Token);

            // The trends have not been fed yet: a leak they have not seen is not forgotten, whatever the read model has.
            Assert.Equal(PruneResult.None, await new HistoryPruner(store).PruneAsync(CutOff, cts.Token));
            await FeedTrendsAsync(system, database, trends, cts.Token);
            await Tell(system, Reopening, Detection(Reopening, DetectionKind.GrowthUpdated, 200)); // journaled, not projected yet
            before = Counts(database);
            var samplesBefore = await Samples(store, Open, Recent, Reopening);
            Assert.Equal(2, samplesBefore[Open].Count);
            Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = '{LeakEntity.PersistenceIdOf(Exited)}'"));

            // Journal: all but the last of Exited's 501 events and of Resolved's 2; one snapshot (Exited's).
            var pruned = await new HistoryPruner(store).PruneAsync(CutOff, cts.Token);
            var again = await new HistoryPruner(store).PruneAsync(CutOff, cts.Token);

            Assert.Equal(new PruneResult(2, LeakEntity.SnapshotEvery + 1, 1, before[Exited].Reports + before[Resolved].Reports), pruned);
            Assert.Equal(PruneResult.None, again);
            var samplesAfter = await Samples(store, Open, Recent, Reopening);
            Assert.All(samplesBefore, p => Assert.Equal(p.Value, samplesAfter[p.Key])); // the kept leaks' samples read as before
            var trend = await trends.Ask<TrendReply>(new GetTrend("api.service"), Timeout);
            Assert.Equal(5, trend.Trend.Processes); // the trend still counts them
            await system.Terminate();
        }

        var after = Counts(database);
        foreach (var gone in new[] { Exited, Resolved })
        {
            var id = LeakEntity.PersistenceIdOf(gone);
            Assert.Equal((1, 0), after[gone]); // the last event only, for its sequence number
            Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{id}' AND deleted = TRUE"));
            Assert.Equal(0, database.Scalar($"SELECT COUNT(*) FROM leak_rows WHERE persistence_id = '{id}'"));
            Assert.Equal(0, database.Scalar($"SELECT COUNT(*) FROM snapshot WHERE persistence_id = '{id}'"));
        }

        foreach (var kept in new[] { Open, Recent, Reopening })
        {
            Assert.Equal(before[kept], after[kept]);
            Assert.Equal(1, database.Scalar($"SELECT COUNT(*) FROM leak_rows WHERE persistence_id = '{LeakEntity.PersistenceIdOf(kept)}'"));
        }

        // A new node: the forgotten entity recovers nothing but its sequence number; its process growing again is a new leak.
        using (var system = LeakProjectionTests.Start(database))
        {
            var entity = system.ActorOf(LeakEntity.Props(Exited));
            var recovered = await entity.Ask<LeakSnapshot>(new GetLeak(Exited), Timeout);
            var ack = await entity.Ask<LeakAck>(Detection(Exited, DetectionKind.GrowthDetected, TimeSpan.FromDays(10).TotalSeconds), Timeout);
            await LeakProjection.CatchUpAsync(system, store, cts.Token);
            await FeedTrendsAsync(system, database, system.ActorOf(TrendRegion.Props()), cts.Token);
            var query = new LeakQuery(store);

            Assert.Null(recovered.State);
            Assert.Equal(LeakEntity.SnapshotEvery + 1, recovered.LastSequenceNr);
            Assert.Equal(1, ack.Journaled);
            var reborn = (await query.GetAsync(Exited, 10, cts.Token))!.Leak;
            Assert.Equal((LeakStatus.Suspected, LeakEntity.SnapshotEvery + 2L, 1), (reborn.Status, reborn.LastSequenceNr, reborn.Reports));

            // Its samples are its new opening's only: the forgotten episode's went with its events.
            var rebornSamples = (await query.GetAsync(Exited, 10, 1000, cts.Token))!.Samples;
            Assert.Equal(2, rebornSamples.Count);
            Assert.All(rebornSamples, r => Assert.Equal(LeakEntity.SnapshotEvery + 2L, r.SequenceNr));
            Assert.Equal(LeakStatus.Suspected, (await query.GetAsync(Reopening, 10, cts.Token))!.Leak.Status);
            await system.Terminate();
        }
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task An_entity_whose_journal_lost_its_opening_recovers_empty_and_opens_anew(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        var id = LeakEntity.PersistenceIdOf(Resolved);
        using (var system = LeakProjectionTests.Start(database))
        {
            await Tell(system, Resolved, Detection(Resolved, DetectionKind.GrowthDetected, 0), Detection(Resolved, DetectionKind.GrowthResolved, 100));
            await system.Terminate();
        }

        // As if a sweep removed the leak's events while its last one was being journaled: that one stays, not marked deleted.
        database.Execute($"DELETE FROM journal WHERE persistence_id = '{id}' AND sequence_number < 2");
        using (var system = LeakProjectionTests.Start(database))
        {
            var entity = system.ActorOf(LeakEntity.Props(Resolved));
            var recovered = await entity.Ask<LeakSnapshot>(new GetLeak(Resolved), Timeout);
            await entity.Ask<LeakAck>(Detection(Resolved, DetectionKind.GrowthDetected, 1000), Timeout);

            Assert.Null(recovered.State);
            Assert.Equal(2, recovered.LastSequenceNr);
            Assert.Equal(["leak-resolved.v1", "leak-opened.v1"], database.JournaledManifests(id));
            await system.Terminate();
        }
    }

    [Fact]
    public async Task The_sweeper_forgets_what_closed_longer_ago_than_the_retention_before_now()
    {
        using var database = new TestDatabase(JournalDatabase.Sqlite);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(database.Kind, database.ConnectionString);
        using var system = LeakProjectionTests.Start(database);
        var retention = TimeSpan.FromDays(3);
        var start = DateTimeOffset.UtcNow - retention - TimeSpan.FromDays(1);
        Detection At(Detection d, double seconds) => d with { Time = start.AddSeconds(seconds) };
        await Tell(system, Resolved, At(Detection(Resolved, DetectionKind.GrowthDetected, 0), 0), At(Detection(Resolved, DetectionKind.GrowthResolved, 100), 100));
        await Tell(system, Open, At(Detection(Open, DetectionKind.GrowthDetected, 0), 0)); // as old, but open
        await LeakProjection.CatchUpAsync(system, store, cts.Token);
        await FeedTrendsAsync(system, database, system.ActorOf(TrendRegion.Props()), cts.Token);

        await using (HistorySweeper.Start(store, retention, system.Log, TimeSpan.Zero, TimeSpan.FromMilliseconds(100)))
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
            while (database.Scalar("SELECT COUNT(*) FROM leak_rows") != 1)
            {
                await timer.WaitForNextTickAsync(cts.Token);
            }
        }

        Assert.NotNull(await new LeakQuery(store).GetAsync(Open, 10, cts.Token));
        Assert.Null(await new LeakQuery(store).GetAsync(Resolved, 10, cts.Token));
        await system.Terminate();
    }

    /// <summary>Per leak, every sample the history API would show for it.</summary>
    private static async Task<Dictionary<LeakId, IReadOnlyList<SampleRow>>> Samples(ReadModelStore store, params LeakId[] leaks)
    {
        var samples = new Dictionary<LeakId, IReadOnlyList<SampleRow>>();
        foreach (var leak in leaks)
        {
            samples[leak] = (await new LeakQuery(store).GetAsync(leak, 0, 1000, CancellationToken.None))!.Samples;
        }

        return samples;
    }

    private static Detection Detection(LeakId leak, DetectionKind kind, double seconds) =>
        Detections.Of(leak, kind, seconds, 0.7) with { Samples = kind is DetectionKind.GrowthDetected or DetectionKind.GrowthUpdated ? Detections.Samples((int)seconds - 1, (int)seconds) : default };

    private static async Task Tell(ActorSystem system, LeakId leak, params Detection[] detections)
    {
        var entity = system.ActorOf(LeakEntity.Props(leak));
        foreach (var d in detections)
        {
            await entity.Ask<LeakAck>(d, Timeout);
        }

        await entity.GracefulStop(Timeout); // a second Tell to the same leak starts it again, from the journal
    }

    /// <summary>Per leak: its journal rows (which carry its samples) and report rows.</summary>
    private static Dictionary<LeakId, (long Journal, long Reports)> Counts(TestDatabase database) =>
        new[] { Exited, Resolved, Open, Recent, Reopening }.ToDictionary(l => l, l =>
        {
            var id = LeakEntity.PersistenceIdOf(l);
            return (database.Scalar($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{id}'"),
                database.Scalar($"SELECT COUNT(*) FROM leak_reports WHERE persistence_id = '{id}'"));
        });

    /// <summary>Runs the trends' projection until it has fed everything journaled (the pruner waits for both projections).</summary>
    private static async Task FeedTrendsAsync(ActorSystem system, TestDatabase database, IActorRef trends, CancellationToken ct)
    {
        await using var projection = TrendProjection.Start(system, database.Kind, database.ConnectionString, trends);
        await projection.WaitForOffsetAsync(database.JournalEnd(), ct);
    }
}
