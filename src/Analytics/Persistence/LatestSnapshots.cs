using MemGrowth.Analytics.ReadModel;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// The latest snapshot of each of several persistence ids, in one query on one connection: what the plugin
/// reads one id at a time, in a transaction of its own, when an entity starts (<see cref="BatchedSnapshotStore"/>).
/// </summary>
internal static class LatestSnapshots
{
    /// <returns>One per id, in their order: its latest snapshot, or null if it has none.</returns>
    public static async Task<IReadOnlyList<StoredSnapshot?>> ReadAsync(PluginTable table, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(ids);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var found = new Dictionary<string, StoredSnapshot>(distinct.Count, StringComparer.Ordinal);
        await using (var connection = JournalConnection.Create(table.Database, table.ConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();

            command.CommandText = PluginTables.LatestSnapshots(table.Table, distinct.Count);
            for (var i = 0; i < distinct.Count; i++)
            {
                RowMapping.Add(command, "@p" + i, distinct[i]);
            }

            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                found[reader.GetString(0)] = new StoredSnapshot(
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    reader.GetFieldValue<byte[]>(3),
                    reader.IsDBNull(4) ? "" : reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetInt32(5));
            }
        }

        return ids.Select(id => found.GetValueOrDefault(id)).ToList();
    }
}
