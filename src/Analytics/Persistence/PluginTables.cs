using System.Globalization;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Every statement of ours on Akka.Persistence.Sql's own tables (journal, tag table, snapshot), in one place:
/// what they assume of the plugin's schema (the default table mapping and column names of the version
/// pinned in Directory.Packages.props) is pinned by PluginTablesContractTests, which runs each of them on
/// tables the plugin itself created. A plugin upgrade that changes the schema fails there, not in a node.
/// </summary>
internal static class PluginTables
{
    /// <summary>The leak entities' journal table (the plugin's default mapping).</summary>
    public const string Journal = "journal";

    /// <summary>The plugin's tag table, which older builds wrote tags to.</summary>
    public const string Tags = "tags";

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
}
