using System.Data.Common;
using System.Globalization;
using System.Text;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// The read model's tables in the journal's database (SQLite or PostgreSQL, plain ADO.NET through the
/// journal's own providers): creates them, stores projected events exactly once, keeps the projection's
/// offset, and opens connections for <see cref="LeakQuery"/>.
/// </summary>
/// <remarks>
/// A batch is one transaction: its report rows, its leak rows and the offset commit
/// together. A leak row is written only over the version it was computed from (<c>last_sequence_nr</c> unchanged), so two
/// projections over the same tables (the agent's live one and `memgrowth leaks` catching up) never lose
/// or double an event: the loser of a race rolls back and applies its batch again over the winner's rows.
/// </remarks>
public sealed class ReadModelStore
{
    /// <summary>The offset row of the projection of the journal's leak events.</summary>
    public const string LeakProjection = "leaks";

    private const int MaxAttempts = 5;

    /// <summary>The advisory lock class (with the schema's hash) that serializes <see cref="InitializeAsync"/> on PostgreSQL ("mgrm" in ASCII).</summary>
    private const int InitializeLock = 0x6D67726D;

    public ReadModelStore(JournalDatabase database, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        Database = database;
        ConnectionString = connectionString;
    }

    public JournalDatabase Database { get; }

    public string ConnectionString { get; }

    /// <summary>Creates the tables and indexes that are missing; safe to run on every start.</summary>
    /// <remarks>
    /// A schema that is complete is left alone: on PostgreSQL even <c>CREATE INDEX IF NOT EXISTS</c> takes a
    /// SHARE lock on its table, which waits for every open write to it (a live projection's batch), and
    /// everything initializing behind it would wait too.
    /// </remarks>
    public async Task InitializeAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        if (await IsCompleteAsync(connection, null, ct).ConfigureAwait(false))
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (Database == JournalDatabase.PostgreSql)
        {
            // Two PostgreSQL sessions running CREATE TABLE IF NOT EXISTS at once can both miss the table and
            // the slower fails (23505 on pg_type): a live projection starting while `memgrowth leaks`
            // catches up did. One initializer at a time per schema (the clash is within one); the lock ends
            // with the transaction.
            await using var lockCommand = connection.CreateCommand();
            lockCommand.Transaction = transaction;
            lockCommand.CommandText = $"SELECT pg_advisory_xact_lock({InitializeLock}, hashtext(current_schema()))";
            await lockCommand.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (await IsCompleteAsync(connection, transaction, ct).ConfigureAwait(false))
            {
                return;
            }
        }

        foreach (var statement in ReadModelSchema.Statements)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Whether every table and index of <see cref="ReadModelSchema"/> is there and no table it drops is.</summary>
    private async Task<bool> IsCompleteAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var present = await TableCheck.NamesAsync(connection, transaction, Database, ct).ConfigureAwait(false);
        return ReadModelSchema.Created.All(present.Contains) && !ReadModelSchema.Dropped.Any(present.Contains);
    }

    /// <summary>The journal ordering the projection has stored everything up to (0: nothing yet).</summary>
    public async Task<long> ReadOffsetAsync(string projection, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ordering FROM read_model_offsets WHERE projection = @projection";
        RowMapping.Add(command, "@projection", projection);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>How many leak journal events the read model has not taken in yet (past its projection's stored offset).</summary>
    public async Task<long> EventsBehindAsync(CancellationToken ct) =>
        await PluginTables.EventsAfterAsync(Database, ConnectionString, await ReadOffsetAsync(LeakProjection, ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>How many journal events the projections set aside as unreadable or impossible (table quarantined_events).</summary>
    public async Task<long> CountQuarantinedAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM quarantined_events";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Stores a batch of events and moves the projection's offset to its last ordering, in one
    /// transaction. Events stored already change nothing. Returns how many events changed a leak row.
    /// </summary>
    public async Task<int> ApplyAsync(string projection, IReadOnlyList<ProjectedEvent> batch, CancellationToken ct) =>
        (await ApplyAsync(projection, batch, [], ct).ConfigureAwait(false)).Applied;

    /// <summary>
    /// Stores a batch of events, and the quarantine of the events stepped over among them
    /// (<paramref name="quarantined"/>, and each event whose applying throws), and moves the offset past all of
    /// them, in one transaction. Returns how many events changed a leak row, and every event quarantined.
    /// </summary>
    /// <remarks>It waits on nothing but its own database: nothing else (the service trends included) is done inside its transaction.</remarks>
    public async Task<(int Applied, IReadOnlyList<QuarantinedEvent> Quarantined)> ApplyAsync(
        string projection, IReadOnlyList<ProjectedEvent> batch, IReadOnlyList<QuarantinedEvent> quarantined, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(quarantined);
        if (batch.Count == 0 && quarantined.Count == 0)
        {
            return (0, []);
        }

        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var failed = new List<QuarantinedEvent>(quarantined);
            var (applied, writes) = await TryApplyAsync(Database, connection, transaction, projection, batch, failed, KnownRows(batch), ct).ConfigureAwait(false);
            if (applied is { } count)
            {
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                Remember(writes);
                return (count, failed);
            }

            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            Forget();
            if (attempt == MaxAttempts)
            {
                throw new InvalidOperationException($"the read model's rows kept changing under projection '{projection}' ({MaxAttempts} attempts): another writer is running away");
            }
        }
    }

    /// <summary>Leak rows this store wrote and committed last, so the next batch need not read them back; at most this many.</summary>
    private const int MaxRememberedRows = 100_000;

    private readonly Dictionary<string, LeakRow> _committed = new(StringComparer.Ordinal);
    private readonly Lock _committedLock = new();

    /// <summary>
    /// The rows of the batch's leaks as this store last committed them. Only a row that another writer
    /// changed since (the retention sweep forgetting a leak) can be stale, and a stale row is caught when it
    /// is written (it replaces only the version it was computed from): the batch is then applied again
    /// after <see cref="Forget"/>, from rows read afresh.
    /// </summary>
    private Dictionary<string, LeakRow> KnownRows(IReadOnlyList<ProjectedEvent> batch)
    {
        lock (_committedLock)
        {
            var known = new Dictionary<string, LeakRow>(StringComparer.Ordinal);
            foreach (var e in batch)
            {
                if (_committed.TryGetValue(e.PersistenceId, out var row))
                {
                    known.TryAdd(e.PersistenceId, row);
                }
            }

            return known;
        }
    }

    private void Remember(IReadOnlyList<(LeakRow? Previous, LeakRow Next)> writes)
    {
        lock (_committedLock)
        {
            if (_committed.Count + writes.Count > MaxRememberedRows)
            {
                _committed.Clear();
            }

            foreach (var (_, next) in writes)
            {
                _committed[next.PersistenceId] = next;
            }
        }
    }

    private void Forget()
    {
        lock (_committedLock)
        {
            _committed.Clear();
        }
    }

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = JournalConnection.Create(Database, ConnectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Rows read, or report rows inserted, per statement (10–27 parameters each: well within every provider's limit).</summary>
    private const int RowsPerStatement = 500;

    /// <summary>
    /// The batch applied within the transaction, or null when a leak row changed under it (another writer).
    /// Round trips are per batch, not per event: the leaks' rows are read in one query, each leak's events
    /// are folded in memory and its row written once, and the reports go in multi-row inserts.
    /// </summary>
    private static async Task<(int? Applied, List<(LeakRow? Previous, LeakRow Next)> Writes)> TryApplyAsync(
        JournalDatabase database, DbConnection connection, DbTransaction transaction, string projection, IReadOnlyList<ProjectedEvent> batch, List<QuarantinedEvent> quarantined,
        IReadOnlyDictionary<string, LeakRow> known, CancellationToken ct)
    {
        var read = await ReadRowsAsync(connection, transaction, batch.Select(e => e.PersistenceId).Distinct(StringComparer.Ordinal).Where(id => !known.ContainsKey(id)).ToList(), ct).ConfigureAwait(false);
        foreach (var (id, row) in known)
        {
            read[id] = row;
        }

        var rows = new Dictionary<string, LeakRow?>(read, StringComparer.Ordinal);
        var reports = new List<ReportRow>();
        var applied = 0;
        foreach (var e in batch)
        {
            var row = rows[e.PersistenceId];
            LeakRow? next;
            ReportRow? report;
            try
            {
                next = LeakRow.Apply(row, e.PersistenceId, e.SequenceNr, e.Event);
                report = ReportRow.Of(e.PersistenceId, e.SequenceNr, e.Event);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                // An event the lifecycle refuses (one no entity would have journaled after the ones before it):
                // stepped over, so the events after it are projected; the leak's row stays as it was.
                quarantined.Add(new QuarantinedEvent(e.PersistenceId, e.SequenceNr, e.Ordering, $"does not apply: {failure.Message}"));
                continue;
            }

            if (next is not null && !ReferenceEquals(next, row))
            {
                if (report is not null)
                {
                    reports.Add(report);
                }

                applied++;
                rows[e.PersistenceId] = next;
            }
        }

        var writes = rows.Where(p => p.Value is not null && !ReferenceEquals(p.Value, read[p.Key])).Select(p => (read[p.Key], p.Value!)).ToList();
        var postgres = database == JournalDatabase.PostgreSql;
        var written = postgres
            ? await PostgreSqlArrayInserts.LeakRowsAsync(connection, transaction, writes, ct).ConfigureAwait(false)
            : await WriteRowsAsync(connection, transaction, writes, ct).ConfigureAwait(false);
        if (!written)
        {
            return (null, writes);
        }

        if (postgres)
        {
            await PostgreSqlArrayInserts.ReportsAsync(connection, transaction, reports, ct).ConfigureAwait(false);
        }
        else
        {
            foreach (var chunk in reports.Chunk(RowsPerStatement))
            {
                await InsertReportsAsync(connection, transaction, chunk, ct).ConfigureAwait(false);
            }
        }

        await QuarantineAsync(connection, transaction, quarantined, ct).ConfigureAwait(false);
        await StoreOffsetAsync(connection, transaction, projection, batch.Select(e => e.Ordering).Concat(quarantined.Select(q => q.Ordering)).Max(), ct).ConfigureAwait(false);
        return (applied, writes);
    }

    /// <summary>The current row of each leak (null for a leak with none yet).</summary>
    private static async Task<Dictionary<string, LeakRow?>> ReadRowsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var rows = ids.ToDictionary(id => id, _ => (LeakRow?)null, StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(RowsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT {RowMapping.LeakColumns} FROM leak_rows WHERE persistence_id IN ({string.Join(", ", chunk.Select((_, i) => "@id" + i))})";
            for (var i = 0; i < chunk.Length; i++)
            {
                RowMapping.Add(command, "@id" + i, chunk[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var row = RowMapping.ReadLeak(reader);
                rows[row.PersistenceId] = row;
            }
        }

        return rows;
    }

    /// <summary>Leak rows written per batch of statements (27–28 parameters each).</summary>
    private const int RowsPerBatch = 500;

    private static readonly string InsertRow =
        $"INSERT INTO leak_rows ({RowMapping.LeakColumns}) VALUES ({RowMapping.Placeholders(27)}) ON CONFLICT (persistence_id) DO NOTHING";

    private static readonly string UpdateRow =
        "UPDATE leak_rows SET " + string.Join(", ", RowMapping.LeakColumns.Split(", ").Skip(1).Select((c, i) => $"{c} = @p{i + 1}")) +
        " WHERE persistence_id = @p0 AND last_sequence_nr = @previous";

    /// <summary>
    /// Inserts each row, or replaces the version it was computed from; false when any such version is no
    /// longer there. Where the provider batches statements (PostgreSQL) the rows go in one round trip per
    /// <see cref="RowsPerBatch"/>, each statement still checked on its own: one write per leak, a
    /// thousand leaks a batch, was the projection's bottleneck. SQLite runs in-process: one at a time.
    /// </summary>
    private static async Task<bool> WriteRowsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(LeakRow? Previous, LeakRow Next)> writes, CancellationToken ct)
    {
        if (!connection.CanCreateBatch)
        {
            foreach (var (previous, next) in writes)
            {
                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = previous is null ? InsertRow : UpdateRow;
                RowMapping.AddLeak(command, next);
                if (previous is not null)
                {
                    RowMapping.Add(command, "@previous", previous.LastSequenceNr);
                }

                if (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) != 1)
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var chunk in writes.Chunk(RowsPerBatch))
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var (previous, next) in chunk)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = previous is null ? InsertRow : UpdateRow;
                RowMapping.AddLeak(command, next);
                if (previous is not null)
                {
                    RowMapping.Add(command, "@previous", previous.LastSequenceNr);
                }

                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (batch.BatchCommands.Any(c => c.RecordsAffected != 1))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task InsertReportsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ReportRow> reports, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var values = new List<string>(reports.Count);
        for (var r = 0; r < reports.Count; r++)
        {
            var columns = RowMapping.ReportValues(reports[r]);
            values.Add("(" + string.Join(", ", columns.Select((_, c) => $"@r{r}_{c}")) + ")");
            for (var c = 0; c < columns.Length; c++)
            {
                RowMapping.Add(command, $"@r{r}_{c}", columns[c]);
            }
        }

        command.CommandText = $"INSERT INTO leak_reports ({RowMapping.ReportColumns}) VALUES {string.Join(", ", values)} ON CONFLICT (persistence_id, sequence_nr) DO NOTHING";
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The events stepped over, by position; one already there (a batch projected again) stays as first quarantined.</summary>
    private static async Task QuarantineAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<QuarantinedEvent> quarantined, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow.UtcTicks;
        foreach (var q in quarantined)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO quarantined_events (persistence_id, sequence_nr, ordering, reason, quarantined_at) VALUES (@id, @seq, @ordering, @reason, @at)
                ON CONFLICT (persistence_id, sequence_nr) DO NOTHING
                """;
            RowMapping.Add(command, "@id", q.PersistenceId);
            RowMapping.Add(command, "@seq", q.SequenceNr);
            RowMapping.Add(command, "@ordering", q.Ordering);
            RowMapping.Add(command, "@reason", q.Reason);
            RowMapping.Add(command, "@at", now);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task StoreOffsetAsync(DbConnection connection, DbTransaction transaction, string projection, long ordering, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO read_model_offsets (projection, ordering) VALUES (@projection, @ordering)
            ON CONFLICT (projection) DO UPDATE SET ordering = excluded.ordering WHERE read_model_offsets.ordering < excluded.ordering
            """;
        RowMapping.Add(command, "@projection", projection);
        RowMapping.Add(command, "@ordering", ordering);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
