using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Settings;
using Npgsql;
using Xunit;

namespace MemGrowth.Analytics.Tests.Persistence;

/// <summary>
/// The projection's reads on real PostgreSQL (<see cref="JournalConfig.InOrderReads"/>): on a journal the
/// planner has no statistics for, a page of events past an ordering is read along the primary key, not
/// fetched whole to the journal's end and sorted; the options a connection string already has still apply.
/// </summary>
public sealed class InOrderReadsTests
{
    /// <summary>The page query Akka.Persistence.Sql's read journal runs for AllEvents, with values in place of its parameters.</summary>
    private const string Page = "EXPLAIN SELECT r.ordering, r.persistence_id, r.sequence_number, r.message FROM journal r " +
        "WHERE r.ordering > 1000 AND r.ordering <= 60000 AND r.deleted = false ORDER BY r.ordering LIMIT 2000";

    [Fact]
    public void A_page_of_a_journal_without_statistics_is_read_along_its_key()
    {
        using var database = new TestDatabase(JournalDatabase.PostgreSql, isolated: true);
        // The journal as the plugin creates it (its columns and indexes), 60,000 events, never analyzed.
        database.Execute("""
            CREATE TABLE journal (ordering BIGINT GENERATED ALWAYS AS IDENTITY NOT NULL, created BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
              persistence_id TEXT NOT NULL, sequence_number BIGINT NOT NULL, message BYTEA NOT NULL, tags TEXT, manifest TEXT, identifier INTEGER,
              writer_uuid TEXT, CONSTRAINT "PK_journal" PRIMARY KEY (ordering)) WITH (autovacuum_enabled = false)
            """);
        database.Execute("CREATE UNIQUE INDEX journal_uq ON journal (persistence_id, sequence_number)");
        database.Execute("""
            INSERT INTO journal (created, deleted, persistence_id, sequence_number, message, tags, manifest, identifier, writer_uuid)
            SELECT n, false, 'leak-host/' || (n % 1000), n / 1000 + 1, convert_to(repeat('x', 300), 'UTF8'), ';leak;', 'leak-reported.v1', 4711, 'w'
            FROM generate_series(1, 60000) AS n
            """);

        var plain = Plan(database.ConnectionString);
        var inOrder = Plan(JournalConfig.InOrderReads(database.ConnectionString));

        Assert.Contains("Sort", plain, StringComparison.Ordinal); // what the planner does unasked: fetch all, then sort
        Assert.DoesNotContain("Sort", inOrder, StringComparison.Ordinal);
        Assert.Contains("Index Scan using \"PK_journal\"", inOrder, StringComparison.Ordinal);
    }

    [Fact]
    public void The_options_a_connection_string_has_are_kept()
    {
        using var database = new TestDatabase(JournalDatabase.PostgreSql, isolated: true);
        // A timeout no statement here comes near, loaded machine or not (4.3 s once cut Npgsql's own type loading short).
        var given = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Options = "-c statement_timeout=654321" }.ConnectionString;

        using var connection = new NpgsqlConnection(JournalConfig.InOrderReads(given));
        connection.Open();

        Assert.Equal("off", Show(connection, "enable_sort"));
        Assert.Equal("654321ms", Show(connection, "statement_timeout"));
    }

    private static string Plan(string connectionString)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(Page, connection);
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        while (reader.Read())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    private static string Show(NpgsqlConnection connection, string setting)
    {
        using var command = new NpgsqlCommand($"SHOW {setting}", connection);
        return (string)command.ExecuteScalar()!;
    }
}
