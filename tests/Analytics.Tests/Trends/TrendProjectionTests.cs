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
/// The service trends' own projection of real journals (SQLite and PostgreSQL), with no read model projected
/// at all: leak events journaled by real leak entities reach their service's trend entity once, even when the
/// projection reads its batches again (offset reset) or a batch fails and is read again, and later events of a
/// leak opened in an earlier batch find their service in the journal.
/// </summary>
public sealed class TrendProjectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private const string Service = "api.service"; // Detections' cgroup

    private readonly LeakId _first = new("web-1", 4242, 599433);
    private readonly LeakId _second = new("web-2", 77, 1234);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Each_leak_event_reaches_its_trend_once_across_a_restart_and_a_replay_of_the_projection(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = LeakProjectionTests.Start(database);
        var trends = system.ActorOf(TrendRegion.Props());
        var first = system.ActorOf(LeakEntity.Props(_first));
        var second = system.ActorOf(LeakEntity.Props(_second));

        await LeakProjectionTests.Tell(first, Detections.Of(_first, DetectionKind.GrowthDetected, 0, 0.7) with { Samples = Detections.Samples(-5, 0) },
            Detections.Of(_first, DetectionKind.GrowthUpdated, 31, 0.95) with { Samples = Detections.Samples(1, 31) });
        await LeakProjectionTests.Tell(second, Detections.Of(_second, DetectionKind.GrowthDetected, 5, 0.6));
        await using (var projection = TrendProjection.Start(system, kind, database.ConnectionString, trends))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        // Later events of leaks opened in an earlier batch, read by a new projection (which remembers nothing) with
        // no read model to ask: their service comes from the opening event in the journal.
        await LeakProjectionTests.Tell(first, Detections.Of(_first, DetectionKind.ProcessExited, 60, 0.95));
        await LeakProjectionTests.Tell(second, Detections.Growing(Detections.Of(_second, DetectionKind.GrowthUpdated, 65, 0.7), 3 << 20));
        await using (var projection = TrendProjection.Start(system, kind, database.ConnectionString, trends))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        // The read model was never written: the trends follow the journal on their own.
        Assert.Equal(0, database.Scalar(TableCount(kind, "leak_rows")));
        Assert.Equal(database.JournalEnd(), await TrendOffset.ReadAsync(kind, database.ConnectionString, cts.Token));

        var journaled = database.JournaledManifests(ServiceTrendEntity.PersistenceIdOf(Service), JournalConfig.TrendJournalTable).Count;

        // The trends' events are in a table of their own: the leak journal, which the projection reads, has none.
        Assert.Equal(0, database.Scalar("SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'trend-%'"));

        // The leak's journal keeps its samples; the trend's (which reads none) does not copy them.
        Assert.Equal(2, database.Scalar($"SELECT COUNT(*) FROM journal WHERE persistence_id = '{LeakEntity.PersistenceIdOf(_first)}' AND {Contains(kind, "samples")}"));
        Assert.Equal(0, database.Scalar($"SELECT COUNT(*) FROM {JournalConfig.TrendJournalTable} WHERE persistence_id = '{ServiceTrendEntity.PersistenceIdOf(Service)}' AND {Contains(kind, "samples")}"));
        var fed = await trends.Ask<TrendReply>(new GetTrend(Service), Timeout);
        AssertTrend(fed.Trend);

        // Every batch fed again, from the start of the journal: the trend journals nothing more.
        database.Execute($"UPDATE {TrendOffset.Table} SET ordering = 0");
        await using (var projection = TrendProjection.Start(system, kind, database.ConnectionString, trends))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        var again = await trends.Ask<TrendReply>(new GetTrend(Service), Timeout);
        Assert.Equal(fed.LastSequenceNr, again.LastSequenceNr);
        Assert.Equal(journaled, database.JournaledManifests(ServiceTrendEntity.PersistenceIdOf(Service), JournalConfig.TrendJournalTable).Count);
        AssertTrend(again.Trend);
        await system.Terminate();

        void AssertTrend(ServiceTrend trend)
        {
            Assert.Equal((1, 1, 2, 2), (trend.OpenLeaks, trend.HostsNow, trend.HostsEver, trend.Processes));
            Assert.False(trend.Leaks[_first].Open);
            Assert.Equal(4, trend.Leaks[_first].LastSequenceNr); // opened, reported, confirmed, ended
            Assert.Equal(3 << 20, trend.Leaks[_second].BytesPerSecond);
            Assert.Equal(Detections.T0.AddSeconds(65), trend.LastSeen);
        }
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_batch_whose_feed_fails_is_not_stored_and_is_fed_again_after_the_restart(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(Timeout);
        var store = new ReadModelStore(kind, database.ConnectionString);
        using var system = LeakProjectionTests.Start(database);
        var trends = system.ActorOf(TrendRegion.Props());
        var first = system.ActorOf(LeakEntity.Props(_first));
        await LeakProjectionTests.Tell(first, Detections.Of(_first, DetectionKind.GrowthDetected, 0, 0.7) with { Samples = Detections.Samples(-5, 0) },
            Detections.Of(_first, DetectionKind.GrowthUpdated, 31, 0.95) with { Samples = Detections.Samples(1, 31) });
        var feed = new FailingOnce(new TrendFeed(trends, store));

        await using (var projection = TrendProjection.Start(system, kind, database.ConnectionString, feed))
        {
            await projection.WaitForOffsetAsync(database.JournalEnd(), cts.Token);
        }

        var reply = await trends.Ask<TrendReply>(new GetTrend(Service), Timeout);
        Assert.True(feed.Failed);
        Assert.Equal(3, reply.Trend.Leaks[_first].LastSequenceNr); // opened, reported, confirmed
        Assert.Equal(database.JournalEnd(), await TrendOffset.ReadAsync(kind, database.ConnectionString, cts.Token));
        await system.Terminate();
    }

    /// <summary>Feeds the trends, then fails the first batch as an unanswered ask would: after the trends journaled it.</summary>
    private sealed class FailingOnce(ITrendFeed inner) : ITrendFeed
    {
        public bool Failed { get; private set; }

        public async Task RecordAsync(IReadOnlyList<ProjectedEvent> batch, CancellationToken ct)
        {
            await inner.RecordAsync(batch, ct);
            if (!Failed)
            {
                Failed = true;
                throw new TimeoutException("the trends did not answer (injected)");
            }
        }
    }

    /// <summary>SQL: how many tables named <paramref name="table"/> there are (0 or 1).</summary>
    private static string TableCount(JournalDatabase kind, string table) => kind == JournalDatabase.Sqlite
        ? $"SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
        : $"SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = '{table}'";

    /// <summary>SQL: the journal row's payload (JSON bytes) holds <paramref name="text"/>.</summary>
    private static string Contains(JournalDatabase kind, string text) => kind == JournalDatabase.Sqlite
        ? $"instr(CAST(message AS TEXT), '{text}') > 0"
        : $"position(convert_to('{text}', 'UTF8') in message) > 0";
}
