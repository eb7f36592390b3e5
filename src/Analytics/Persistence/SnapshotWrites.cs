using MemGrowth.Analytics.ReadModel;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Snapshot saves and deletions of several persistence ids in one statement each, on one connection, in
/// the rows the plugin writes (<see cref="BatchedSnapshotStore"/>): the plugin builds each through linq2db,
/// whose per-call work was 4.8 % of a node's CPU at 20,000 detections/s for about 40 saves and 40 deletions
/// a second (`perf`, docs/bench/ingest.md). A save replaces a snapshot of the same sequence number, as the
/// plugin's does.
/// </summary>
internal static class SnapshotWrites
{
    /// <summary>Stores the snapshots; of two for the same id and sequence number, the later.</summary>
    /// <returns>One per snapshot, in their order (all true: a failure throws for the batch).</returns>
    public static async Task<IReadOnlyList<bool>> SaveAsync(PluginTable table, IReadOnlyList<(string Id, StoredSnapshot Snapshot)> saves)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(saves);

        // ON CONFLICT takes each key once per statement.
        var rows = saves.Select((s, i) => (s.Id, s.Snapshot, Order: i))
            .GroupBy(s => (s.Id, s.Snapshot.SequenceNr))
            .Select(g => g.MaxBy(s => s.Order))
            .ToList();
        await using (var connection = JournalConnection.Create(table.Database, table.ConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = PluginTables.UpsertSnapshots(table.Table, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var (id, snapshot, _) = rows[i];
                RowMapping.Add(command, "@i" + i, id);
                RowMapping.Add(command, "@s" + i, snapshot.SequenceNr);
                RowMapping.Add(command, "@c" + i, snapshot.Created);
                RowMapping.Add(command, "@b" + i, snapshot.Payload);
                RowMapping.Add(command, "@m" + i, snapshot.Manifest);
                RowMapping.Add(command, "@z" + i, snapshot.SerializerId);
            }

            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return saves.Select(_ => true).ToList();
    }

    /// <summary>Deletes each id's snapshots up to and including its sequence number.</summary>
    /// <returns>One per deletion, in their order (all true: a failure throws for the batch).</returns>
    public static async Task<IReadOnlyList<bool>> DeleteAsync(PluginTable table, IReadOnlyList<(string Id, long UpTo)> deletions)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(deletions);
        await using (var connection = JournalConnection.Create(table.Database, table.ConnectionString))
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = PluginTables.DeleteSnapshotsUpTo(table.Table, deletions.Count);
            for (var i = 0; i < deletions.Count; i++)
            {
                RowMapping.Add(command, "@i" + i, deletions[i].Id);
                RowMapping.Add(command, "@u" + i, deletions[i].UpTo);
            }

            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }

        return deletions.Select(_ => true).ToList();
    }
}
