using System.Data.Common;
using System.Globalization;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// How far the <see cref="TrendProjection"/> has fed the service trends, in journal ordering: a table of its own
/// (trend_offsets) beside the read model's, which it never writes. A database whose trends were fed by the
/// read model's projection (builds before the trends read the journal themselves) left a mark row in
/// read_model_offsets; the trends had then seen everything up to that projection's offset, so the first
/// start here takes that as its offset instead of reading the whole journal again. Without the mark it is 0:
/// every leak event still in the journal reaches its trend once (a trend journals a leak's sequence number once).
/// </summary>
internal static class TrendOffset
{
    public const string Table = "trend_offsets";

    /// <summary>The row of read_model_offsets by which earlier builds said the leak projection fed the trends.</summary>
    public const string LegacyMarker = "trends-v2";

    private const string Projection = "service-trends";

    /// <summary>Creates the table and the offset row when missing (see the class summary); returns the stored offset.</summary>
    public static async Task<long> StartAsync(JournalDatabase database, string connectionString, CancellationToken ct)
    {
        await using var connection = JournalConnection.Create(database, connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(connection, $"CREATE TABLE IF NOT EXISTS {Table} (projection TEXT PRIMARY KEY, ordering BIGINT NOT NULL)", ct).ConfigureAwait(false);
        if (await ReadAsync(connection, ct).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        var seed = await TableCheck.ExistsAsync(connection, null, database, "read_model_offsets", ct).ConfigureAwait(false)
            ? $"""
               COALESCE((SELECT o.ordering FROM read_model_offsets o WHERE o.projection = '{ReadModelStore.LeakProjection}'
                         AND EXISTS (SELECT 1 FROM read_model_offsets m WHERE m.projection = '{LegacyMarker}')), 0)
               """
            : "0";

        // "WHERE 1 = 1": SQLite reads an ON CONFLICT straight after a SELECT's FROM as a join's.
        await ExecuteAsync(connection, $"INSERT INTO {Table} (projection, ordering) SELECT '{Projection}', {seed} WHERE 1 = 1 ON CONFLICT (projection) DO NOTHING", ct).ConfigureAwait(false);
        return await ReadAsync(connection, ct).ConfigureAwait(false) ?? 0;
    }

    /// <summary>The stored offset; 0 before the trend projection's first start.</summary>
    public static async Task<long> ReadAsync(JournalDatabase database, string connectionString, CancellationToken ct)
    {
        await using var connection = JournalConnection.Create(database, connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return await TableCheck.ExistsAsync(connection, null, database, Table, ct).ConfigureAwait(false)
            ? await ReadAsync(connection, ct).ConfigureAwait(false) ?? 0
            : 0;
    }

    /// <summary>Moves the offset to <paramref name="ordering"/> (never back).</summary>
    public static async Task StoreAsync(JournalDatabase database, string connectionString, long ordering, CancellationToken ct)
    {
        await using var connection = JournalConnection.Create(database, connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {Table} (projection, ordering) VALUES (@projection, @ordering)
            ON CONFLICT (projection) DO UPDATE SET ordering = excluded.ordering WHERE {Table}.ordering < excluded.ordering
            """;
        RowMapping.Add(command, "@projection", Projection);
        RowMapping.Add(command, "@ordering", ordering);
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static async Task<long?> ReadAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT ordering FROM {Table} WHERE projection = @projection";
        RowMapping.Add(command, "@projection", Projection);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
