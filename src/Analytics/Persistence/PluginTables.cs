using System.Globalization;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Every statement of ours on Akka.Persistence.Sql's own tables (journal, snapshot; none reads its tag table), in one place:
/// what they assume of the plugin's schema (the default table mapping and column names of the version
/// pinned in Directory.Packages.props) is pinned by PluginTablesContractTests, which runs each of them on
/// tables the plugin itself created. A plugin upgrade that changes the schema fails there, not in a node.
/// </summary>
internal static class PluginTables
{
    /// <summary>The leak entities' journal table (the plugin's default mapping).</summary>
    public const string Journal = "journal";

    /// <summary>The leak entities' snapshot table (the plugin's default mapping).</summary>
    public const string Snapshot = "snapshot";

    /// <summary>The highest ordering in the leak journal (0 when empty or not created yet): where a projection is current.</summary>
    public static async Task<long> HighestOrderingAsync(JournalDatabase database, string connectionString, CancellationToken ct)
    {
        await using var connection = JournalConnection.Create(database, connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        if (!await TableCheck.ExistsAsync(connection, null, database, Journal, ct).ConfigureAwait(false))
        {
            return 0;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(ordering), 0) FROM {Journal}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>How many leak journal events lie past <paramref name="ordering"/> (a projection's offset): how far behind it is.</summary>
    public static async Task<long> EventsAfterAsync(JournalDatabase database, string connectionString, long ordering, CancellationToken ct)
    {
        await using var connection = JournalConnection.Create(database, connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        if (!await TableCheck.ExistsAsync(connection, null, database, Journal, ct).ConfigureAwait(false))
        {
            return 0;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {Journal} WHERE ordering > @ordering AND deleted = FALSE";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@ordering";
        parameter.Value = ordering;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// SQL: whether the leak of the read-model row aliased <paramref name="row"/> has a journal event that row has
    /// not applied, or one past the ordering <paramref name="projected"/> (a parameter's name).
    /// </summary>
    public static string EventsPast(string row, string projected) =>
        $"EXISTS (SELECT 1 FROM {Journal} j WHERE j.persistence_id = {row}.persistence_id AND (j.sequence_number > {row}.last_sequence_nr OR j.ordering > {projected}))";

    /// <summary>SQL: deletes the snapshots of the leaks in <paramref name="ids"/> (a list of parameters).</summary>
    public static string DeleteSnapshotsOf(string ids) => $"DELETE FROM {Snapshot} WHERE persistence_id IN ({ids})";

    /// <summary>SQL: deletes the journal events of the leaks in <paramref name="ids"/> but each one's last the read model applied.</summary>
    public static string DeleteEventsBeforeLastProjected(string ids) => $"""
        DELETE FROM {Journal} WHERE persistence_id IN ({ids})
          AND sequence_number < (SELECT r.last_sequence_nr FROM leak_rows r WHERE r.persistence_id = {Journal}.persistence_id)
        """;

    /// <summary>SQL: marks what is left of the leaks in <paramref name="ids"/> deleted, as the plugin's DeleteMessagesTo does (kept for its sequence number).</summary>
    public static string MarkDeleted(string ids) => $"UPDATE {Journal} SET deleted = TRUE WHERE persistence_id IN ({ids}) AND deleted = FALSE";

    /// <summary>
    /// SQL: the highest sequence number of each of <paramref name="asks"/> persistence ids (@id<i>i</i>) above one
    /// (@above<i>i</i>), as rows (i, highest or NULL): one scalar subquery per ask, each answered from the primary
    /// key's end (an IN list with GROUP BY would read every event of every id).
    /// </summary>
    public static string HighestSequenceNrs(string table, int asks) => string.Join(" UNION ALL ", Enumerable.Range(0, asks).Select(i =>
        $"SELECT {i}, (SELECT MAX(sequence_number) FROM {table} WHERE persistence_id = @id{i} AND sequence_number > @above{i})"));

    /// <summary>SQL: each of <paramref name="ids"/> persistence ids' (@p<i>i</i>) latest snapshot row (the primary key is persistence id, sequence number).</summary>
    public static string LatestSnapshots(string table, int ids) =>
        $"SELECT persistence_id, sequence_number, created, snapshot, manifest, serializer_id FROM {table} s "
        + $"WHERE persistence_id IN ({string.Join(", ", Enumerable.Range(0, ids).Select(i => "@p" + i))}) "
        + $"AND sequence_number = (SELECT MAX(sequence_number) FROM {table} t WHERE t.persistence_id = s.persistence_id)";

    /// <summary>SQL: stores <paramref name="rows"/> snapshots (@i, @s, @c, @b, @m, @z with the row's index), replacing one of the same key.</summary>
    public static string UpsertSnapshots(string table, int rows) =>
        $"INSERT INTO {table} (persistence_id, sequence_number, created, snapshot, manifest, serializer_id) VALUES "
        + string.Join(", ", Enumerable.Range(0, rows).Select(i => $"(@i{i}, @s{i}, @c{i}, @b{i}, @m{i}, @z{i})"))
        + " ON CONFLICT (persistence_id, sequence_number) DO UPDATE SET created = excluded.created, snapshot = excluded.snapshot, "
        + "manifest = excluded.manifest, serializer_id = excluded.serializer_id";

    /// <summary>SQL: deletes the snapshots of <paramref name="deletions"/> persistence ids (@i<i>i</i>) up to and including a sequence number (@u<i>i</i>).</summary>
    public static string DeleteSnapshotsUpTo(string table, int deletions) =>
        $"DELETE FROM {table} WHERE " + string.Join(" OR ", Enumerable.Range(0, deletions).Select(i => $"(persistence_id = @i{i} AND sequence_number <= @u{i})"));

    /// <summary>
    /// SQL: a page (@page) of a leak's (@id) events of the kinds that carry samples (@opened, @reported manifests)
    /// before a sequence number (@before), newest first along the primary key.
    /// </summary>
    public const string SampleEventsBefore =
        $"SELECT sequence_number, manifest, message FROM {Journal} "
        + "WHERE persistence_id = @id AND sequence_number < @before AND deleted = FALSE AND manifest IN (@opened, @reported) "
        + "ORDER BY sequence_number DESC LIMIT @page";

    /// <summary>SQL: 1 when the journal table (which exists) has no tags column, which older builds created it without; else 0.</summary>
    public static string LacksTagsColumn(JournalDatabase database) => database == JournalDatabase.PostgreSql
        ? $"SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('{Journal}') AND attname = 'tags' AND NOT attisdropped) THEN 0 ELSE 1 END"
        : $"SELECT CASE WHEN EXISTS (SELECT 1 FROM pragma_table_info('{Journal}') WHERE name = 'tags') THEN 0 ELSE 1 END";

    /// <summary>SQL: adds the nullable tags column the plugin's inserts name.</summary>
    public static string AddTagsColumn(JournalDatabase database) => database == JournalDatabase.PostgreSql
        ? $"ALTER TABLE {Journal} ADD COLUMN IF NOT EXISTS tags text NULL"
        : $"ALTER TABLE {Journal} ADD COLUMN tags TEXT NULL";
}
