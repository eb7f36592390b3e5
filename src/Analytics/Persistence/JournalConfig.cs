using System.Globalization;
using Akka.Configuration;
using Akka.Persistence.Sql;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// The Akka.Persistence.Sql journal and snapshot store for a database, as HOCON. SQLite runs through
/// Microsoft.Data.Sqlite; PostgreSQL through Npgsql. Tables are created on first use. Leak events are
/// tagged "leak" (<see cref="LeakTagger"/>), in the journal rows' tags column.
/// </summary>
public static class JournalConfig
{
    /// <summary>
    /// The journal's HOCON with the plugin's own defaults under it, and the bindings of what it journals and
    /// snapshots beyond the shared messages: leak states (<see cref="SnapshotSerializer"/>) and the trend
    /// entities' messages, events and snapshots (<see cref="TrendSerializer"/>). Whoever has the journal has those too.
    /// </summary>
    /// <remarks>On PostgreSQL, also makes the journal's large batches go by binary COPY (<see cref="PostgreSqlBulkCopy"/>).</remarks>
    public static Config Load(JournalDatabase database, string connectionString)
    {
        if (database == JournalDatabase.PostgreSql)
        {
            PostgreSqlBulkCopy.UseBinaryCopy();
        }

        return ConfigurationFactory.ParseString(For(database, connectionString))
            .WithFallback(ConfigurationFactory.ParseString(SnapshotSerializer.Config))
            .WithFallback(ConfigurationFactory.ParseString(TrendSerializer.Config))
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// How long the journals' and the snapshot store's circuit breakers stay open before a call is let
    /// through again: with the agents' resends capped at 5 s, a recovered database is written to within 10 s.
    /// </summary>
    public const int BreakerResetSeconds = 2;

    /// <summary>The journal plugin the service trend entities write through (see <see cref="For"/>).</summary>
    public const string TrendJournalId = "akka.persistence.journal.trend-sql";

    /// <summary>The table of the trend entities' events (the leak entities' are in "journal").</summary>
    public const string TrendJournalTable = "trend_journal";

    public static string For(JournalDatabase database, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var provider = database == JournalDatabase.Sqlite ? "SQLite.MS" : "PostgreSQL.15";

        var quoted = Quote(connectionString);
        var queryQuoted = database == JournalDatabase.PostgreSql ? Quote(InOrderReads(connectionString)) : quoted;
        return string.Create(CultureInfo.InvariantCulture, $$"""
            akka.persistence {
              journal {
                plugin = "akka.persistence.journal.sql"
                sql {
                  # The plugin's journal, with the highest-sequence-number reads of starting entities
                  # batched (BatchedWriteJournal).
                  class = "MemGrowth.Analytics.Persistence.BatchedWriteJournal, MemGrowth.Analytics"
                  connection-string = {{quoted}}
                  provider-name = "{{provider}}"
                  auto-initialize = true
                  # Measured with memgrowth bench ingest: bigger batches carry more detections per round
                  # trip (see docs/bench/ingest.md); with binary COPY, 1,000 rows a batch persisted 18,167-
                  # 20,567 /s against 16,390-18,162 /s for 400, and 2,000 no more than 1,000.
                  batch-size = 1000
                  # A batch of more rows than this goes by bulk copy: binary COPY on PostgreSQL
                  # (PostgreSqlBulkCopy); smaller ones as one multi-row INSERT.
                  max-row-by-row-size = 100
                  # One writer: SQLite takes one at a time (concurrent writers only wait on its lock, and time
                  # out), and on PostgreSQL one writer's larger batches (up to batch-size) beat three smaller
                  # ones once agents keep their backlog in their outboxes (max-in-flight): 21,285-21,447 /s
                  # against 19,974-20,437 /s persisted, and at 1,000 /s 460 against 503 us of CPU a detection.
                  parallelism = 1
                  # Tags go in the journal row's own tags column (";leak;"), not in a tag table: a batch is
                  # then one multi-row insert, where the tag table needs the rows' orderings back (INSERT
                  # ... RETURNING built parameter by parameter by linq2db, a third of the node's CPU) and a
                  # second insert. The read model does not read by tag (it follows all events, see
                  # LeakProjection), so journals written with the tag table still project.
                  tag-write-mode = Csv
                  event-adapters.leak-tagger = "MemGrowth.Analytics.Persistence.LeakTagger, MemGrowth.Analytics"
                  event-adapter-bindings."MemGrowth.Shared.Messages.LeakEvent, MemGrowth.Shared" = leak-tagger
                  # A database that comes back is tried again within 2 s: the breaker that opens after
                  # failed writes or reads half-opens after reset-timeout (Akka's defaults, 30 s for a
                  # journal and 60 s for a snapshot store, held delivery back a minute after an outage).
                  circuit-breaker.reset-timeout = {{BreakerResetSeconds}}s
                }
                # The service trends' journal (TrendJournalId): a writer and a table of its own
                # (trend_journal, created on first use). A trend journals once per projected batch and
                # service: behind a backlog of leak events in the shared writer's queue each such write
                # waited 0.3-1 s (bench ingest at 20,000/s). In the leak journal's table, its events were
                # read by the projection only to be skipped, and the trend's deletions of the events its
                # snapshots cover left gaps in the table's orderings that held the projection back about
                # 1 s each (journal-sequence-retrieval waits max-tries x query-delay for a gap to fill).
                trend-sql {
                  class = "MemGrowth.Analytics.Persistence.BatchedWriteJournal, MemGrowth.Analytics"
                  plugin-dispatcher = "akka.actor.default-dispatcher"
                  connection-string = {{quoted}}
                  provider-name = "{{provider}}"
                  auto-initialize = true
                  parallelism = 1
                  tag-write-mode = Csv
                  table-mapping = default
                  default.journal.table-name = "{{TrendJournalTable}}"
                  circuit-breaker.reset-timeout = {{BreakerResetSeconds}}s
                }
              }
              snapshot-store {
                plugin = "akka.persistence.snapshot-store.sql"
                # The leak entities' snapshots (LeakState through SnapshotSerializer), in a table of its own
                # ("snapshot", the plugin's default mapping; the read model's tables are leak_rows,
                # leak_reports and read_model_offsets), created on first use like the journal's.
                sql {
                  # The plugin's store, with the latest-snapshot loads of starting entities batched
                  # (BatchedSnapshotStore).
                  class = "MemGrowth.Analytics.Persistence.BatchedSnapshotStore, MemGrowth.Analytics"
                  connection-string = {{quoted}}
                  provider-name = "{{provider}}"
                  auto-initialize = true
                  table-mapping = default
                  circuit-breaker.reset-timeout = {{BreakerResetSeconds}}s
                }
              }
              query.journal.sql {
                # On PostgreSQL with the planner told to read in index order (InOrderReads).
                connection-string = {{queryQuoted}}
                provider-name = "{{provider}}"
                write-plugin = "akka.persistence.journal.sql"
                # The read model follows the journal within ~100 ms, in batches of up to 2000 events
                # (the defaults, 1 s and 500, left it seconds and then minutes behind at a few thousand
                # detections a second; see README, Numbers).
                max-buffer-size = 2000
                tag-read-mode = Csv
                refresh-interval = 100ms
                journal-sequence-retrieval.query-delay = 100ms
              }
            }
            """);
    }

    /// <summary>
    /// The connection string the projection's queries use on PostgreSQL: with the planner's sorts turned off
    /// (enable_sort=off, added to any Options the string has), so "events past ordering X, by ordering,
    /// LIMIT n" reads the primary key in order and stops after n rows. On a journal the planner has no
    /// statistics for yet (fresh, or grown fast since autovacuum last analyzed it) it otherwise guessed a
    /// thousand rows, fetched every row up to the journal's end and sorted them on disk: 50 ms and more per
    /// page of 2,000, growing with the projection's lag (bench ingest at 20,000/s). Every query the read
    /// journal makes has an index in the order it reads; a sort it cannot avoid still runs.
    /// </summary>
    public static string InOrderReads(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        var options = builder.TryGetValue("Options", out var given) ? given as string : null;
        builder["Options"] = string.IsNullOrWhiteSpace(options) ? "-c enable_sort=off" : options + " -c enable_sort=off";
        return builder.ConnectionString;
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
