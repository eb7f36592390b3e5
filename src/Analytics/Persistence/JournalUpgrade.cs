using System.Data.Common;
using MemGrowth.Shared.Settings;
using Microsoft.Data.Sqlite;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Brings a journal table created by an older build up to what <see cref="JournalConfig"/> writes: the
/// journal used to keep tags in a tag table and was created without a <c>tags</c> column, which every
/// insert now names. Adding the nullable column is all it takes (the old rows keep their tag-table rows,
/// and the read model does not read by tag); an older build still writes to the table as before. Run it
/// before an actor system journals into the database; safe to run on every start and from several nodes.
/// </summary>
public static class JournalUpgrade
{
    /// <returns>True when the column was added, false when there was nothing to do (no journal table yet, or the column is there).</returns>
    public static bool AddTagsColumn(JournalDatabase database, string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        using var connection = JournalConnection.Create(database, connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        if (database == JournalDatabase.PostgreSql)
        {
            // Looked up first: ALTER TABLE takes an exclusive lock on the journal even when it has nothing to do.
            command.CommandText = """
                SELECT to_regclass('journal') IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('journal') AND attname = 'tags' AND NOT attisdropped)
                """;
            if (command.ExecuteScalar() is not true)
            {
                return false;
            }

            command.CommandText = "ALTER TABLE journal ADD COLUMN IF NOT EXISTS tags text NULL";
            command.ExecuteNonQuery();
            return true;
        }

        command.CommandText = """
            SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal')
               AND NOT EXISTS (SELECT 1 FROM pragma_table_info('journal') WHERE name = 'tags')
            """;
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return false;
        }

        try
        {
            command.CommandText = "ALTER TABLE journal ADD COLUMN tags TEXT NULL";
            command.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            return false; // another process added it between the look and the change
        }
    }
}
