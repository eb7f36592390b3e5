using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// The projection's writes on PostgreSQL (leak rows, reports): one statement per table per batch, its rows
/// passed as one array parameter per column (<c>INSERT … SELECT * FROM unnest(…)</c>), so neither the SQL
/// text nor the parameter count grows with the batch. Multi-row VALUES with a parameter per value were most
/// of the projection's time at full ingest (100–500 ms for 2,000 events). Rows already there are skipped,
/// as everywhere in the read model. Signatures say DbConnection (see <see cref="Persistence.JournalConnection"/>): a node on
/// SQLite compiles no call that names Npgsql's types, and never loads it.
/// </summary>
internal static class PostgreSqlArrayInserts
{
    private static readonly string InsertReports =
        $"INSERT INTO leak_reports ({RowMapping.ReportColumns}) " +
        "SELECT * FROM unnest(@c0::text[], @c1::bigint[], @c2::text[], @c3::bigint[], @c4::text[], @c5::float8[], @c6::float8[], @c7::bigint[], @c8::bigint[], @c9::float8[]) " +
        "ON CONFLICT (persistence_id, sequence_nr) DO NOTHING";

    /// <summary>The SQL type of each of <see cref="RowMapping.LeakColumns"/>, in order (see <see cref="ReadModelSchema"/>).</summary>
    private static readonly string[] LeakColumnTypes =
    [
        "text", "bigint", "text", "text", "integer", "bigint", "text", "text", "text", "text", "text", "text",
        "bigint", "bigint", "bigint", "bigint", "bigint", "bigint", "integer", "integer", "bigint", "text",
        "float8", "float8", "bigint", "bigint", "float8",
    ];

    private static readonly string[] LeakColumnNames = RowMapping.LeakColumns.Split(", ");

    private static readonly string Unnest =
        "unnest(" + string.Join(", ", LeakColumnTypes.Select((type, i) => $"@c{i}::{type}[]")) + ", @previous::bigint[]) AS u(" +
        string.Join(", ", LeakColumnNames) + ", previous)";

    private static readonly string InsertLeakRows =
        $"INSERT INTO leak_rows ({RowMapping.LeakColumns}) SELECT {RowMapping.LeakColumns} FROM {Unnest} ON CONFLICT (persistence_id) DO NOTHING";

    private static readonly string UpdateLeakRows =
        "UPDATE leak_rows SET " + string.Join(", ", LeakColumnNames.Skip(1).Select(c => $"{c} = u.{c}")) +
        $" FROM {Unnest} WHERE leak_rows.persistence_id = u.persistence_id AND leak_rows.last_sequence_nr = u.previous";

    /// <summary>
    /// Inserts the new rows and replaces the others where they are still the version they were computed from,
    /// in one statement each; false when any row was not written (another writer got there first).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<bool> LeakRowsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(LeakRow? Previous, LeakRow Next)> writes, CancellationToken ct)
    {
        var inserts = writes.Where(w => w.Previous is null).ToList();
        var updates = writes.Where(w => w.Previous is not null).ToList();
        return await WriteLeakRowsAsync(connection, transaction, InsertLeakRows, inserts, ct).ConfigureAwait(false)
            && await WriteLeakRowsAsync(connection, transaction, UpdateLeakRows, updates, ct).ConfigureAwait(false);
    }

    private static async Task<bool> WriteLeakRowsAsync(DbConnection connection, DbTransaction transaction, string sql, List<(LeakRow? Previous, LeakRow Next)> writes, CancellationToken ct)
    {
        if (writes.Count == 0)
        {
            return true;
        }

        var rows = writes.Select(w => RowMapping.LeakValues(w.Next)).ToList();
        await using var command = new NpgsqlCommand(sql, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        for (var c = 0; c < LeakColumnTypes.Length; c++)
        {
            command.Parameters.AddWithValue("c" + c.ToString(CultureInfo.InvariantCulture), LeakColumnTypes[c] switch
            {
                "text" => (object)rows.Select(r => (string?)r[c]).ToArray(),
                "bigint" => rows.Select(r => r[c] is null ? (long?)null : Convert.ToInt64(r[c], CultureInfo.InvariantCulture)).ToArray(),
                "integer" => rows.Select(r => r[c] is null ? (int?)null : Convert.ToInt32(r[c], CultureInfo.InvariantCulture)).ToArray(),
                _ => rows.Select(r => r[c] is null ? (double?)null : Convert.ToDouble(r[c], CultureInfo.InvariantCulture)).ToArray(),
            });
        }

        command.Parameters.AddWithValue("previous", writes.Select(w => w.Previous?.LastSequenceNr ?? 0).ToArray());
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == writes.Count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task ReportsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<ReportRow> reports, CancellationToken ct)
    {
        if (reports.Count == 0)
        {
            return;
        }

        var rows = reports.Select(RowMapping.ReportValues).ToList();
        await using var command = new NpgsqlCommand(InsertReports, (NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        command.Parameters.AddWithValue("c0", Column<string>(rows, 0));
        command.Parameters.AddWithValue("c1", Column<long>(rows, 1));
        command.Parameters.AddWithValue("c2", Column<string>(rows, 2));
        command.Parameters.AddWithValue("c3", Column<long>(rows, 3));
        command.Parameters.AddWithValue("c4", Column<string>(rows, 4));
        command.Parameters.AddWithValue("c5", Column<double>(rows, 5));
        command.Parameters.AddWithValue("c6", Column<double>(rows, 6));
        command.Parameters.AddWithValue("c7", Column<long>(rows, 7));
        command.Parameters.AddWithValue("c8", NullableColumn<long>(rows, 8));
        command.Parameters.AddWithValue("c9", NullableColumn<double>(rows, 9));
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static T[] Column<T>(List<object?[]> rows, int column) => [.. rows.Select(r => (T)r[column]!)];

    private static T?[] NullableColumn<T>(List<object?[]> rows, int column)
        where T : struct => [.. rows.Select(r => r[column] is T value ? value : (T?)null)];
}
