using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using Xunit;

namespace MemGrowth.Analytics.Tests.ReadModel;

/// <summary>The read model's tables as <see cref="ReadModelStore.InitializeAsync"/> creates them on real PostgreSQL.</summary>
public sealed class ReadModelSchemaTests
{
    [Fact]
    public async Task On_postgresql_the_persistence_ids_that_key_every_table_compare_byte_by_byte()
    {
        using var database = new TestDatabase(JournalDatabase.PostgreSql, isolated: true);
        await new ReadModelStore(JournalDatabase.PostgreSql, database.ConnectionString).InitializeAsync(CancellationToken.None);

        foreach (var table in new[] { "leak_rows", "leak_reports", "leak_sample_sets" })
        {
            Assert.Equal("C", database.Text(
                $"SELECT collation_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = 'persistence_id'"));
        }

        // Byte order, as the bench's range over one host's leaks needs: '/' (0x2f) sorts before '0' (0x30) and 'B' before 'a'.
        database.Execute("INSERT INTO leak_sample_sets (persistence_id, sequence_nr, samples, data) VALUES ('leak-h/1/1', 1, 0, '[]'), ('leak-h0', 1, 0, '[]'), ('leak-hB', 1, 0, '[]'), ('leak-ha', 1, 0, '[]')");
        Assert.Equal("leak-h/1/1,leak-h0,leak-hB,leak-ha", database.Text("SELECT string_agg(persistence_id, ',' ORDER BY persistence_id) FROM leak_sample_sets"));
    }
}
