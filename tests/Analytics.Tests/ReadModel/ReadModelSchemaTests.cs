using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Settings;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>
/// The read model's schema on real SQLite and PostgreSQL: initializing creates what is missing, and leaves a
/// complete schema alone, so it never waits behind a projection's open batch.
/// </summary>
public sealed class ReadModelSchemaTests
{
    [Theory]
    [InlineData(JournalDatabase.Sqlite)]
    [InlineData(JournalDatabase.PostgreSql)]
    public async Task Initializing_creates_every_table_and_index_and_drops_the_retired_table(JournalDatabase kind)
    {
        using var database = new TestDatabase(kind, isolated: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        database.Execute("CREATE TABLE leak_sample_sets (persistence_id TEXT NOT NULL)"); // as a build before held it

        await new ReadModelStore(kind, database.ConnectionString).InitializeAsync(cts.Token);

        var present = kind == JournalDatabase.Sqlite
            ? database.Texts("SELECT name FROM sqlite_master")
            : database.Texts("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()");
        Assert.Contains("leak_rows_status_last_seen", present);
        Assert.Contains("quarantined_events", present);
        Assert.Contains("read_model_offsets", present);
        Assert.DoesNotContain("leak_sample_sets", present);
    }

    [Fact]
    public async Task A_complete_schema_is_initialized_again_while_a_batch_holds_its_rows()
    {
        using var database = new TestDatabase(JournalDatabase.PostgreSql, isolated: true);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var store = new ReadModelStore(JournalDatabase.PostgreSql, database.ConnectionString);
        await store.InitializeAsync(cts.Token);

        // A projection's batch, open: it holds a write lock on leak_rows that an index statement would wait for.
        await using var writer = database.Open();
        await using var batch = await writer.BeginTransactionAsync(cts.Token);
        await using (var update = writer.CreateCommand())
        {
            update.Transaction = batch;
            update.CommandText = "UPDATE leak_rows SET status = status";
            await update.ExecuteNonQueryAsync(cts.Token);
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        wait.CancelAfter(TimeSpan.FromSeconds(10));
        await new ReadModelStore(JournalDatabase.PostgreSql, database.ConnectionString).InitializeAsync(wait.Token);
        await batch.RollbackAsync(cts.Token);
    }
}
