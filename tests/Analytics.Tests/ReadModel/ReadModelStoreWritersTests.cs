using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>
/// The projection's store remembers the leak rows it committed, so a batch does not read them back; on
/// real SQLite and PostgreSQL, a row another writer changed or removed since (the retention sweep) is not
/// overwritten from that memory: the batch is applied again from the rows as they are.
/// </summary>
public sealed class ReadModelStoreWritersTests
{
    private static readonly LeakId Leak = new("web-1", 4242, 599433);

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_row_another_writer_moved_on_is_read_again_not_overwritten(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var store = await StoreAsync(database, cts.Token);
        var events = Events();

        Assert.Equal(2, await store.ApplyAsync(ReadModelStore.LeakProjection, events[..2], cts.Token));
        var id = LeakEntity.PersistenceIdOf(Leak);
        database.Execute($"UPDATE leak_rows SET last_sequence_nr = 3, reports = 99 WHERE persistence_id = '{id}'"); // another writer got to event 3

        Assert.Equal(0, await store.ApplyAsync(ReadModelStore.LeakProjection, events[2..3], cts.Token));
        Assert.Equal(99, database.Scalar($"SELECT reports FROM leak_rows WHERE persistence_id = '{id}'"));
        Assert.Equal(1, await store.ApplyAsync(ReadModelStore.LeakProjection, events[3..], cts.Token)); // and the store goes on from it
        Assert.Equal((4, 100), (database.Scalar($"SELECT last_sequence_nr FROM leak_rows WHERE persistence_id = '{id}'"), database.Scalar($"SELECT reports FROM leak_rows WHERE persistence_id = '{id}'")));
    }

    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task A_row_another_writer_removed_stays_removed(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var store = await StoreAsync(database, cts.Token);
        var events = Events();
        var id = LeakEntity.PersistenceIdOf(Leak);

        Assert.Equal(2, await store.ApplyAsync(ReadModelStore.LeakProjection, events[..2], cts.Token));
        database.Execute($"DELETE FROM leak_reports WHERE persistence_id = '{id}'");
        database.Execute($"DELETE FROM leak_rows WHERE persistence_id = '{id}'"); // forgotten, as the sweep does

        // A later report of a leak whose opening is gone shows nothing (as for a leak never seen opened).
        Assert.Equal(0, await store.ApplyAsync(ReadModelStore.LeakProjection, events[2..], cts.Token));
        Assert.Equal(0, database.Scalar($"SELECT COUNT(*) FROM leak_rows WHERE persistence_id = '{id}'"));
        Assert.Equal(0, database.Scalar($"SELECT COUNT(*) FROM leak_reports WHERE persistence_id = '{id}'"));
    }

    private static async Task<ReadModelStore> StoreAsync(TestDatabase database, CancellationToken ct)
    {
        var store = new ReadModelStore(database.Kind, database.ConnectionString);
        await store.InitializeAsync(ct);
        return store;
    }

    /// <summary>One leak's events 1–4 (opened, then reports), as the projection reads them.</summary>
    private static ProjectedEvent[] Events() =>
    [
        .. LeakRowTests.Journal(
            Detections.Of(Leak, DetectionKind.GrowthDetected, 0, 0.7),
            Detections.Of(Leak, DetectionKind.GrowthUpdated, 5, 0.7),
            Detections.Of(Leak, DetectionKind.GrowthUpdated, 10, 0.7),
            Detections.Of(Leak, DetectionKind.GrowthUpdated, 15, 0.7))
        .Select(p => new ProjectedEvent(LeakEntity.PersistenceIdOf(Leak), p.Seq, p.Seq, p.Event)),
    ];
}
