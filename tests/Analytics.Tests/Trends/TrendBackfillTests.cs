using Akka.Actor;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

using MemGrowth.Analytics.Tests.ReadModel;

namespace MemGrowth.Analytics.Tests.Trends;

/// <summary>
/// Installs from before the trends read the journal themselves, on real SQLite and PostgreSQL: one whose read
/// model was projected before the service trends existed gets its trends filled by the trend projection's first
/// start, once, the read model's rows untouched; one whose trends were fed by the read model's projection (the
/// mark it left) starts where that projection was, reading nothing again.
/// </summary>
public sealed class TrendBackfillTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Service = "api.service"; // Detections' cgroup

    private readonly LeakId _first = new("web-1", 4242, 599433);
    private readonly LeakId _second = new("web-2", 77, 1234);
    private readonly LeakId _third = new("web-3", 99, 4321);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Leaks_projected_before_the_trends_existed_reach_them_once_when_the_trend_projection_first_starts(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = LeakProjectionTests.Start(database);
        var trends = system.ActorOf(TrendRegion.Props());

        // The install as an older build left it: leaks journaled and projected, no trend fed.
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_first)), Detections.Of(_first, DetectionKind.GrowthDetected, 0, 0.7), Detections.Of(_first, DetectionKind.ProcessExited, 60, 0.7));
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_second)), Detections.Of(_second, DetectionKind.GrowthDetected, 5, 0.6));
        Assert.Equal(3, await LeakProjection.CatchUpAsync(system, store, cts.Token)); // opened, exited; opened
        var rows = Rows(database);
        Assert.True((await trends.Ask<TrendReply>(new GetTrend(Service), Timeout)).Trend.IsEmpty);

        // The trend projection's first start: from the journal's beginning.
        await using (var projection = TrendProjection.Start(system, kind, database.ConnectionString, trends))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        var fed = await trends.Ask<TrendReply>(new GetTrend(Service), Timeout);
        Assert.Equal((1, 2, 2), (fed.Trend.OpenLeaks, fed.Trend.HostsEver, fed.Trend.Processes));
        Assert.False(fed.Trend.Leaks[_first].Open);
        Assert.Equal(rows, Rows(database)); // the trends changed no row of the read model
        var trendEvents = database.JournaledManifests(ServiceTrendEntity.PersistenceIdOf(Service), JournalConfig.TrendJournalTable).Count;

        // Later starts resume from the stored offset: one new event, one more trend event.
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_second)), Detections.Of(_second, DetectionKind.GrowthResolved, 70, 0.6));
        await using (var projection = TrendProjection.Start(system, kind, database.ConnectionString, trends))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        var later = await trends.Ask<TrendReply>(new GetTrend(Service), Timeout);
        Assert.Equal(0, later.Trend.OpenLeaks);
        Assert.Equal(trendEvents + 1, database.JournaledManifests(ServiceTrendEntity.PersistenceIdOf(Service), JournalConfig.TrendJournalTable).Count);
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Trends_the_read_models_projection_fed_are_taken_up_where_it_was(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = LeakProjectionTests.Start(database);
        var trends = system.ActorOf(TrendRegion.Props());

        // An older build's read model, whose projection fed the trends everything up to its offset and marked so.
        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_first)), Detections.Of(_first, DetectionKind.GrowthDetected, 0, 0.7));
        await LeakProjection.CatchUpAsync(system, store, cts.Token);
        var projected = await store.ReadOffsetAsync(ReadModelStore.LeakProjection, cts.Token);
        database.Execute($"INSERT INTO read_model_offsets (projection, ordering) VALUES ('{TrendOffset.LegacyMarker}', 0)");

        await LeakProjectionTests.Tell(system.ActorOf(LeakEntity.Props(_third)), Detections.Of(_third, DetectionKind.GrowthDetected, 5, 0.6));
        await using (var projection = TrendProjection.Start(system, kind, database.ConnectionString, trends))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        // Only what came after the old projection's offset was fed (these trends never had the first leak: the
        // old feed's trends were another actor system's, so its absence shows nothing was read again).
        var trend = (await trends.Ask<TrendReply>(new GetTrend(Service), Timeout)).Trend;
        Assert.Equal([_third], trend.Leaks.Keys);
        Assert.True(projected < database.JournalEnd());
        await system.Terminate();
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_new_install_starts_the_trends_at_the_journals_beginning(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);

        Assert.Equal(0, await TrendOffset.StartAsync(kind, database.ConnectionString, cts.Token));
        await TrendOffset.StoreAsync(kind, database.ConnectionString, 7, cts.Token);
        Assert.Equal(7, await TrendOffset.StartAsync(kind, database.ConnectionString, cts.Token)); // a stored offset is kept
        await TrendOffset.StoreAsync(kind, database.ConnectionString, 3, cts.Token);
        Assert.Equal(7, await TrendOffset.ReadAsync(kind, database.ConnectionString, cts.Token)); // and never moves back
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
