using System.Data.Common;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// Writes ready-made rows into an empty read model, fast: for benchmarks that need a million reports in
/// seconds. It skips what <see cref="ReadModelStore.ApplyAsync"/> guarantees (exactly once, offsets), so it
/// is only for a fresh read model that no projection writes to. SQLite: one prepared insert reused over
/// large transactions; PostgreSQL: binary COPY.
/// </summary>
public static class ReadModelBulkLoad
{
    private const int SqliteBatch = 50_000;

    public static async Task LoadAsync(ReadModelStore store, IEnumerable<LeakRow> leaks, IEnumerable<ReportRow> reports, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(leaks);
        ArgumentNullException.ThrowIfNull(reports);
        await store.InitializeAsync(ct).ConfigureAwait(false);
        await using var connection = await store.OpenAsync(ct).ConfigureAwait(false);
        if (store.Database == JournalDatabase.Sqlite)
        {
            await InsertAsync((SqliteConnection)connection, "leak_rows", RowMapping.LeakColumns, leaks.Select(RowMapping.LeakValues), ct).ConfigureAwait(false);
            await InsertAsync((SqliteConnection)connection, "leak_reports", RowMapping.ReportColumns, reports.Select(RowMapping.ReportValues), ct).ConfigureAwait(false);
        }
        else
        {
            var npgsql = (NpgsqlConnection)connection;
            await CopyAsync(npgsql, "leak_rows", RowMapping.LeakColumns, leaks.Select(RowMapping.LeakValues), ct).ConfigureAwait(false);
            await CopyAsync(npgsql, "leak_reports", RowMapping.ReportColumns, reports.Select(RowMapping.ReportValues), ct).ConfigureAwait(false);

            // What autovacuum would do soon after a load this size: the planner's statistics.
            await using var analyze = npgsql.CreateCommand();
            analyze.CommandText = "ANALYZE leak_rows; ANALYZE leak_reports";
            await analyze.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task InsertAsync(SqliteConnection connection, string table, string columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        var count = columns.Split(", ").Length;
        using var enumerator = rows.GetEnumerator();
        var more = enumerator.MoveNext();
        while (more)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO {table} ({columns}) VALUES ({RowMapping.Placeholders(count)})";
            var parameters = Enumerable.Range(0, count).Select(i => command.Parameters.Add(new SqliteParameter("@p" + i, null))).ToArray();
            await command.PrepareAsync(ct).ConfigureAwait(false);
            for (var n = 0; more && n < SqliteBatch; n++, more = enumerator.MoveNext())
            {
                var values = enumerator.Current;
                for (var i = 0; i < count; i++)
                {
                    parameters[i].Value = values[i] ?? DBNull.Value;
                }

                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, string table, string columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        foreach (var values in rows)
        {
            await writer.StartRowAsync(ct).ConfigureAwait(false);
            foreach (var value in values)
            {
                await WriteAsync(writer, value, ct).ConfigureAwait(false);
            }
        }

        await writer.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>One value in its column's type: the column types follow the CLR types <see cref="RowMapping"/> gives.</summary>
    private static Task WriteAsync(NpgsqlBinaryImporter writer, object? value, CancellationToken ct) => value switch
    {
        null => writer.WriteNullAsync(ct),
        string s => writer.WriteAsync(s, NpgsqlTypes.NpgsqlDbType.Text, ct),
        long l => writer.WriteAsync(l, NpgsqlTypes.NpgsqlDbType.Bigint, ct),
        int i => writer.WriteAsync(i, NpgsqlTypes.NpgsqlDbType.Integer, ct),
        double d => writer.WriteAsync(d, NpgsqlTypes.NpgsqlDbType.Double, ct),
        _ => throw new ArgumentException($"no column type for a {value.GetType().Name}", nameof(value)),
    };
}
