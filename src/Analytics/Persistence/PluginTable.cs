using Akka.Configuration;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// The table an Akka.Persistence.Sql journal or snapshot store keeps its rows in, from the plugin's own
/// config: the database (from its provider-name), its connection string and the table's qualified name.
/// Only the plugin's default table mapping with its default column names is read this way; any other
/// mapping or provider gives none, and the plugin's own queries are used unchanged.
/// </summary>
internal sealed record PluginTable(JournalDatabase Database, string ConnectionString, string Table)
{
    /// <summary>The columns of the default mapping this code reads, by their config keys.</summary>
    private static readonly Dictionary<string, (string Key, string Name)[]> Columns = new()
    {
        ["journal"] = [("persistence-id", "persistence_id"), ("sequence-number", "sequence_number")],
        ["snapshot"] =
        [
            ("persistence-id", "persistence_id"), ("sequence-number", "sequence_number"), ("created", "created"),
            ("snapshot", "snapshot"), ("manifest", "manifest"), ("serializerId", "serializer_id"),
        ],
    };

    /// <param name="config">The plugin's config (the path its class is configured at).</param>
    /// <param name="kind">"journal" or "snapshot": which of the mapping's tables.</param>
    /// <returns>The table, or null where the plugin's own queries must be used.</returns>
    public static PluginTable? Of(Config config, string kind)
    {
        ArgumentNullException.ThrowIfNull(config);
        var provider = config.GetString("provider-name", "") ?? "";
        JournalDatabase? database = provider == "SQLite.MS" ? JournalDatabase.Sqlite
            : provider.StartsWith("PostgreSQL", StringComparison.Ordinal) ? JournalDatabase.PostgreSql
            : null;
        var connectionString = config.GetString("connection-string", "");
        if (database is null || string.IsNullOrEmpty(connectionString) || config.GetString("table-mapping", "default") != "default")
        {
            return null;
        }

        foreach (var (key, name) in Columns[kind])
        {
            if (config.GetString($"default.{kind}.columns.{key}", name) != name)
            {
                return null;
            }
        }

        var table = Quote(config.GetString($"default.{kind}.table-name", kind));
        var schema = config.GetString("default.schema-name", null);
        return new PluginTable(database.Value, connectionString, string.IsNullOrEmpty(schema) ? table : Quote(schema) + "." + table);
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
