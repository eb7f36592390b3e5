using MemGrowth.Analytics.ReadModel;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// The highest journaled sequence number of each of several persistence ids, in one query on one
/// connection: what the plugin reads one id at a time, in a transaction of its own, when an entity starts
/// (<see cref="BatchedWriteJournal"/>). The same answer as the plugin's: the highest sequence number above
/// the one asked from, rows marked deleted included (the plugin keeps a deleted journal's last row for
/// this), else 0.
/// </summary>
internal static class HighestSequenceNrs
{
    /// <returns>One per (persistence id, above), in their order.</returns>
    public static async Task<IReadOnlyList<long>> ReadAsync(PluginTable table, IReadOnlyList<(string Id, long Above)> asks)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(asks);
        var highest = new long[asks.Count];
        await using (var connection = JournalConnection.Create(table.Database, table.ConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();

            command.CommandText = PluginTables.HighestSequenceNrs(table.Table, asks.Count);
            for (var i = 0; i < asks.Count; i++)
            {
                RowMapping.Add(command, "@id" + i, asks[i].Id);
                RowMapping.Add(command, "@above" + i, asks[i].Above);
            }

            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                highest[Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)] = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
            }
        }

        return highest;
    }
}
