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

        // Looked up first: on PostgreSQL, ALTER TABLE takes an exclusive lock on the journal even when it has nothing to do.
        if (!TableCheck.Exists(connection, database, PluginTables.Journal))
        {
            return false;
        }

        using var command = connection.CreateCommand();
        command.CommandText = PluginTables.LacksTagsColumn(database);
        if (Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return false;
        }

        try
        {
            command.CommandText = PluginTables.AddTagsColumn(database);
            command.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException e) when (e.Message.Contains("duplicate column", StringComparison.OrdinalIgnoreCase))
        {
            return false; // another process added it between the look and the change (PostgreSQL's IF NOT EXISTS takes that itself)
        }
    }
}
