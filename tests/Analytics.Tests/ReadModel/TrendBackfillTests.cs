using Akka.Actor;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>
/// An install whose read model was projected before the service trends existed (a journal and read model
/// built with no trend feed, on real SQLite and PostgreSQL) gets its trends filled by the first projection
/// that feeds them, once: the read model's rows are untouched, and later starts replay nothing.
/// </summary>
public sealed class TrendBackfillTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Service = "api.service"; // Detections' cgroup

    private readonly LeakId _first = new("web-1", 4242, 599433);
    private readonly LeakId _second = new("web-2", 77, 1234);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Leaks_projected_before_the_trends_existed_reach_them_once_when_a_projection_first_feeds_them(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = LeakProjectionTests.Start(database);
        var trends = system.ActorOf(TrendRegion.Props());

        // The install as an older build left it: leaks journaled and projected, no trend fed.
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_first)), Detections.Of(_first, DetectionKind.GrowthDetected, 0, 0.7), Detections.Of(_first, DetectionKind.ProcessExited, 60, 0.7));
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_second)), Detections.Of(_second, DetectionKind.GrowthDetected, 5, 0.6));
        Assert.Equal(3, await LeakProjection.CatchUpAsync(system, store, null, cts.Token)); // opened, exited; opened
        var rows = Rows(database);
        var projected = await store.ReadOffsetAsync(ReadModelStore.LeakProjection, cts.Token);
        Assert.Equal(database.JournalEnd(), projected);
        Assert.Null(await TrendBackfill.MarkedAtAsync(store, cts.Token)); // a projection without trends marks nothing
        Assert.True((await trends.Ask<TrendReply>(new GetTrend(Service), Timeout)).Trend.IsEmpty);

        // This build's live projection, feeding the trends: it starts again from the journal's beginning.
        await using (var projection = LeakProjection.Start(system, store, new TrendFeed(trends, store)))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        var fed = await trends.Ask<TrendReply>(new GetTrend(Service), Timeout);
        Assert.Equal((1, 2, 2), (fed.Trend.OpenLeaks, fed.Trend.HostsEver, fed.Trend.Processes));
        Assert.False(fed.Trend.Leaks[_first].Open);
        Assert.Equal(projected, await TrendBackfill.MarkedAtAsync(store, cts.Token));
        Assert.Equal(rows, Rows(database)); // the replay changed no row of the read model
        var trendEvents = database.JournaledManifests(ServiceTrendEntity.PersistenceIdOf(Service), JournalConfig.TrendJournalTable).Count;

        // Marked: later starts (the live projection, `memgrowth leaks` catching up) resume from the stored offset.
        Assert.False(await TrendBackfill.StartAsync(store, cts.Token));
        Assert.Equal(database.JournalEnd(), await store.ReadOffsetAsync(ReadModelStore.LeakProjection, cts.Token));
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_second)), Detections.Of(_second, DetectionKind.GrowthResolved, 70, 0.6));
        Assert.Equal(1, await LeakProjection.CatchUpAsync(system, store, new TrendFeed(trends, store), cts.Token));
        var later = await trends.Ask<TrendReply>(new GetTrend(Service), Timeout);
        Assert.Equal(0, later.Trend.OpenLeaks);
        Assert.Equal(trendEvents + 1, database.JournaledManifests(ServiceTrendEntity.PersistenceIdOf(Service), JournalConfig.TrendJournalTable).Count);
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_new_install_is_marked_without_a_replay(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        await store.InitializeAsync(cts.Token);

        Assert.False(await TrendBackfill.StartAsync(store, cts.Token));
        Assert.Equal(0, await TrendBackfill.MarkedAtAsync(store, cts.Token));
        Assert.False(await TrendBackfill.StartAsync(store, cts.Token));
    }


    /// <summary>Every leak row and report, as text: what a replay must leave as it was.</summary>
    private static List<string> Rows(TestDatabase database)
    {
        var rows = new List<string>();
        foreach (var query in new[]
        {
            "SELECT persistence_id, last_sequence_nr, status, reports, last_seen FROM leak_rows ORDER BY persistence_id",
            "SELECT persistence_id, sequence_nr, kind FROM leak_reports ORDER BY persistence_id, sequence_nr",
        })
        {
            using var connection = database.Open();
            using var command = connection.CreateCommand();
            command.CommandText = query;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        return rows;
    }
}
