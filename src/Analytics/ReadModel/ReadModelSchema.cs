using System.Text.RegularExpressions;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// The read model's tables, in the journal's database, in SQL that SQLite and PostgreSQL both take. Times
/// are UTC ticks (100 ns since 0001-01-01, exact round trip of a DateTimeOffset); statuses, kinds and
/// patterns are their snake_case names, as the API writes them. Every statement is idempotent, so it runs
/// on every start.
/// </summary>
internal static class ReadModelSchema
{
    public static readonly string[] Statements =
    [
        """
        CREATE TABLE IF NOT EXISTS leak_rows (
          persistence_id TEXT PRIMARY KEY,
          last_sequence_nr BIGINT NOT NULL,
          leak_id TEXT NOT NULL,
          host TEXT NOT NULL,
          pid INTEGER NOT NULL,
          start_ticks BIGINT NOT NULL,
          status TEXT NOT NULL,
          service TEXT NOT NULL,
          comm TEXT NOT NULL,
          cmdline TEXT NOT NULL,
          cgroup TEXT NULL,
          container_id TEXT NULL,
          process_started BIGINT NOT NULL,
          opened BIGINT NOT NULL,
          growth_started BIGINT NOT NULL,
          confirmed_at BIGINT NULL,
          ended_at BIGINT NULL,
          last_seen BIGINT NOT NULL,
          episodes INTEGER NOT NULL,
          reports INTEGER NOT NULL,
          last_report BIGINT NOT NULL,
          pattern TEXT NOT NULL,
          bytes_per_second DOUBLE PRECISION NOT NULL,
          confidence DOUBLE PRECISION NOT NULL,
          rss_bytes BIGINT NOT NULL,
          memory_limit_bytes BIGINT NULL,
          seconds_to_limit DOUBLE PRECISION NULL
        )
        """,
        // Newest first, alone or after one equality filter: each list query is an index range scan.
        "CREATE INDEX IF NOT EXISTS leak_rows_last_seen ON leak_rows (last_seen)",
        "CREATE INDEX IF NOT EXISTS leak_rows_host_last_seen ON leak_rows (host, last_seen)",
        "CREATE INDEX IF NOT EXISTS leak_rows_service_last_seen ON leak_rows (service, last_seen)",
        "CREATE INDEX IF NOT EXISTS leak_rows_status_last_seen ON leak_rows (status, last_seen)",
        """
        CREATE TABLE IF NOT EXISTS leak_reports (
          persistence_id TEXT NOT NULL,
          sequence_nr BIGINT NOT NULL,
          kind TEXT NOT NULL,
          reported BIGINT NOT NULL,
          pattern TEXT NOT NULL,
          bytes_per_second DOUBLE PRECISION NOT NULL,
          confidence DOUBLE PRECISION NOT NULL,
          rss_bytes BIGINT NOT NULL,
          memory_limit_bytes BIGINT NULL,
          seconds_to_limit DOUBLE PRECISION NULL,
          PRIMARY KEY (persistence_id, sequence_nr)
        )
        """,
        // The samples behind the reports are read from the journal's events (JournalSamples); the copy of
        // them this table held, written by builds before that, goes.
        "DROP TABLE IF EXISTS leak_sample_sets",
        // Journaled events the projection stepped over, by position (QuarantinedEvent): what does not read or
        // could not be a leak entity's. quarantined_at is UTC ticks, as every time here.
        """
        CREATE TABLE IF NOT EXISTS quarantined_events (
          persistence_id TEXT NOT NULL,
          sequence_nr BIGINT NOT NULL,
          ordering BIGINT NOT NULL,
          reason TEXT NOT NULL,
          quarantined_at BIGINT NOT NULL,
          PRIMARY KEY (persistence_id, sequence_nr)
        )
        """,
        """
        CREATE TABLE IF NOT EXISTS read_model_offsets (
          projection TEXT PRIMARY KEY,
          ordering BIGINT NOT NULL
        )
        """,
    ];

    /// <summary>The tables and indexes the statements create.</summary>
    public static readonly string[] Created = Names(@"CREATE (?:TABLE|INDEX) IF NOT EXISTS (\w+)");

    /// <summary>The tables the statements drop.</summary>
    public static readonly string[] Dropped = Names(@"DROP TABLE IF EXISTS (\w+)");

    private static string[] Names(string pattern) =>
        Statements.Select(s => Regex.Match(s, pattern)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToArray();
}
