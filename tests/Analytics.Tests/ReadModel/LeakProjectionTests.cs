using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>
/// The projection on real journals (SQLite and PostgreSQL): events journaled by real leak entities become
/// read-model rows exactly once, across a restart of the projection from its stored offset and a replay of
/// the whole journal.
/// </summary>
public sealed class LeakProjectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly LeakId _first = new("web-1", 4242, 599433);
    private readonly LeakId _second = new("web-2", 77, 1234);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Journaled_events_become_rows_once_across_a_projection_restart_and_a_replay(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = Start(database);
        var first = system.ActorOf(LeakEntity.Props(_first));
        var second = system.ActorOf(LeakEntity.Props(_second));

        await Tell(
            first,
            Detections.Of(_first, DetectionKind.GrowthDetected, 0, 0.7) with { Samples = Detections.Samples(-6, 0) },
            Detections.Of(_first, DetectionKind.GrowthUpdated, 31, 0.95) with { Samples = Detections.Samples(1, 31) });
        await using (var projection = LeakReadModel.Start(system, kind, database.ConnectionString))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        // Stopped; more is journaled; a new projection goes on from the offset the first one stored.
        await Tell(first, Detections.Of(_first, DetectionKind.ProcessExited, 60, 0.95));
        await Tell(second, Detections.Of(_second, DetectionKind.GrowthDetected, 5, 0.6));
        await using (var projection = LeakReadModel.Start(system, kind, database.ConnectionString))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        await AssertRowsAsync();

        // The whole journal again, from the start: nothing changes, nothing doubles.
        database.Execute("UPDATE read_model_offsets SET ordering = 0");
        var applied = await LeakProjection.CatchUpAsync(system, store, cts.Token);

        Assert.Equal(0, applied);
        await AssertRowsAsync();
        Assert.Equal(database.JournalEnd(), await store.ReadOffsetAsync(ReadModelStore.LeakProjection, cts.Token));
        await system.Terminate();

        async Task AssertRowsAsync()
        {
            var query = new LeakQuery(store);
            var exited = await query.GetAsync(_first, LeakQuery.DefaultReports, cts.Token);
            Assert.NotNull(exited);
            Assert.Equal(LeakStatus.Exited, exited.Leak.Status);
            Assert.Equal(4, exited.Leak.LastSequenceNr); // opened, reported, confirmed, ended
            Assert.Equal(Detections.T0.AddSeconds(31), exited.Leak.ConfirmedAt);
            Assert.Equal(2, exited.Leak.Reports);
            Assert.Equal([2L, 1L], exited.Reports.Select(r => r.SequenceNr)); // newest first
            Assert.Equal([ReportKind.Updated, ReportKind.Detected], exited.Reports.Select(r => r.Kind));
            Assert.Equal(LeakStatus.Suspected, (await query.GetAsync(_second, 10, cts.Token))!.Leak.Status);
            Assert.Equal(2, database.Scalar("SELECT COUNT(*) FROM leak_rows"));
            Assert.Equal(3, database.Scalar("SELECT COUNT(*) FROM leak_reports"));

            // The samples the reports carried, read from the events that carried them, by their report's number.
            var sampled = await query.GetAsync(_first, LeakQuery.DefaultReports, LeakQuery.DefaultSamples, cts.Token);
            Assert.Equal(Detections.Samples(-6, 31).Select(s => s.Time), sampled!.Samples.Select(s => s.Time));
            Assert.Equal(Enumerable.Repeat(1L, 7).Concat(Enumerable.Repeat(2L, 31)), sampled.Samples.Select(s => s.SequenceNr));
            Assert.Equal(((100L + 31) << 20, (90L + 31) << 20, 10L << 20, 31L), sampled.Samples[^1] is var l ? (l.RssBytes, l.AnonBytes, l.FileBytes, l.SwapBytes) : default);
            Assert.Equal(38, (await query.GetAsync(_first, 0, 1000, cts.Token))!.Samples.Count);
        }
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Samples_are_read_only_as_far_as_the_projected_reports(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = Start(database);
        var second = system.ActorOf(LeakEntity.Props(_second));
        await Tell(second, Detections.Of(_second, DetectionKind.GrowthDetected, 5, 0.6) with { Samples = Detections.Samples(1, 5) });
        await LeakProjection.CatchUpAsync(system, store, cts.Token);

        // Journaled, not projected: its report is not in the read model yet, so neither are its samples.
        await Tell(second, Detections.Of(_second, DetectionKind.GrowthUpdated, 9, 0.6) with { Samples = Detections.Samples(6, 9) });
        var before = (await new LeakQuery(store).GetAsync(_second, 10, 1000, cts.Token))!;
        await LeakProjection.CatchUpAsync(system, store, cts.Token);
        var after = (await new LeakQuery(store).GetAsync(_second, 10, 1000, cts.Token))!;

        Assert.Equal((1, 5), (before.Reports.Count, before.Samples.Count));
        Assert.Equal(Detections.Samples(1, 5).Select(s => s.Time), before.Samples.Select(s => s.Time));
        Assert.Equal((2, 9), (after.Reports.Count, after.Samples.Count));
        Assert.Equal(Detections.Samples(1, 9).Select(s => s.Time), after.Samples.Select(s => s.Time));
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Samples_are_read_newest_first_across_pages_of_events(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = Start(database);
        var second = system.ActorOf(LeakEntity.Props(_second));
        // 150 reports of two samples each: more events than one page holds.
        await Tell(second, [.. Enumerable.Range(0, 150).Select(i =>
            Detections.Of(_second, i == 0 ? DetectionKind.GrowthDetected : DetectionKind.GrowthUpdated, (2 * i) + 1, 0.6) with { Samples = Detections.Samples(2 * i, (2 * i) + 1) })]);
        await LeakProjection.CatchUpAsync(system, store, cts.Token);
        var query = new LeakQuery(store);

        var newest = (await query.GetAsync(_second, 0, 251, cts.Token))!.Samples;
        var all = (await query.GetAsync(_second, 0, 1000, cts.Token))!.Samples;

        Assert.Equal(Detections.Samples(49, 299).Select(s => s.Time), newest.Select(s => s.Time));
        Assert.Equal(Detections.Samples(0, 299).Select(s => s.Time), all.Select(s => s.Time));
        Assert.Equal(all.Select(s => s.SequenceNr).Distinct().Order(), all.Select(s => s.SequenceNr).Distinct()); // oldest first, by the report that carried them
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_live_projection_and_a_catch_up_over_the_same_tables_store_each_event_once(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = Start(database);
        var entity = system.ActorOf(LeakEntity.Props(_first));
        await using (var projection = LeakReadModel.Start(system, kind, database.ConnectionString))
        {
            for (var i = 0; i < 40; i++)
            {
                await Tell(entity, Detections.Of(_first, i == 0 ? DetectionKind.GrowthDetected : DetectionKind.GrowthUpdated, i, 0.7));
                if (i % 10 == 5)
                {
                    await LeakProjection.CatchUpAsync(system, store, cts.Token);
                }
            }

            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
            await LeakProjection.CatchUpAsync(system, store, cts.Token);
        }

        var leak = await new LeakQuery(store).GetAsync(_first, 1000, cts.Token);
        Assert.Equal(40, leak!.Leak.Reports);
        Assert.Equal(40, leak.Leak.LastSequenceNr);
        Assert.Equal(40, leak.Reports.Count);
        Assert.Equal(40, database.Scalar("SELECT COUNT(*) FROM leak_reports"));
        await system.Terminate();
    }

    internal static ActorSystem Start(TestDatabase database) =>
        ActorSystem.Create("leaks", ConfigurationFactory.ParseString(MessageSerializer.Config + "\nakka.persistence.query.journal.sql.refresh-interval = 100ms")
            .WithFallback(database.Journal));


    /// <summary>Each detection to the entity in turn, each journaled before the next.</summary>
    internal static async Task Tell(IActorRef entity, params Detection[] detections)
    {
        foreach (var d in detections)
        {
            await entity.Ask<LeakAck>(d, Timeout);
        }
    }
}
