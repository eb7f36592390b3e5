using System.Data.Common;
using System.Globalization;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Whether tables (and indexes) are there, on either database: in the connection's current schema on
/// PostgreSQL, in the main database on SQLite. The one place that knows each database's catalogue.
/// </summary>
internal static class TableCheck
{
    /// <summary>Whether the table <paramref name="table"/> exists.</summary>
    public static async Task<bool> ExistsAsync(DbConnection connection, DbTransaction? transaction, JournalDatabase database, string table, CancellationToken ct)
    {
        await using var command = ExistsCommand(connection, transaction, database, table);
        return Convert.ToBoolean(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>The same, for a caller without async (a check before the actor system starts).</summary>
    public static bool Exists(DbConnection connection, JournalDatabase database, string table)
    {
        using var command = ExistsCommand(connection, null, database, table);
        return Convert.ToBoolean(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The names of every table and index there.</summary>
    public static async Task<HashSet<string>> NamesAsync(DbConnection connection, DbTransaction? transaction, JournalDatabase database, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = database == JournalDatabase.PostgreSql
            ? "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
            : "SELECT name FROM sqlite_master";
        var present = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            present.Add(reader.GetString(0));
        }

        return present;
    }

    private static DbCommand ExistsCommand(DbConnection connection, DbTransaction? transaction, JournalDatabase database, string table)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = database == JournalDatabase.PostgreSql
            ? "SELECT to_regclass(@table) IS NOT NULL"
            : "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = @table)";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@table";
        parameter.Value = table;
        command.Parameters.Add(parameter);
        return command;
    }
}
