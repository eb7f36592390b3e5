using System.Data.Common;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Retention;

/// <summary>What one <see cref="HistoryPruner.PruneAsync"/> removed.</summary>
/// <param name="Leaks">Leaks forgotten (their read-model row gone).</param>
/// <param name="JournalRows">Leak events removed from the journal.</param>
/// <param name="Snapshots">Leak-state snapshots removed.</param>
/// <param name="Reports">Read-model report rows removed.</param>
public sealed record PruneResult(int Leaks, long JournalRows, long Snapshots, long Reports)
{
    public static readonly PruneResult None = new(0, 0, 0, 0);

    public PruneResult Add(PruneResult other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Leaks + other.Leaks, JournalRows + other.JournalRows, Snapshots + other.Snapshots, Reports + other.Reports);
    }
}

/// <summary>
/// Forgets the leaks closed (resolved, exited, OOM-killed) before a time, so the history's disk use follows
/// the retention instead of every leak ever: their reports and row in the read model, their
/// snapshots, and their events in the journal (which carry their samples), all in one transaction per chunk of leaks. Their service
/// trends keep counting them (<see cref="Trends.ServiceTrend.Retain"/>).
/// </summary>
/// <remarks>
/// Only a leak whose every journal event both projections have taken in (the read model's and the trends', each
/// with its own offset: the lower one counts) and whose row
/// has applied them all is forgotten: one with an event still to project (it just reopened) waits. Like
/// Akka.Persistence.Sql's own DeleteMessagesTo, the leak's last journal row stays, marked deleted (a
/// resolve or end event: no samples), so its entity's sequence numbers go on from there: should the
/// process grow again, the entity recovers nothing, opens the leak anew at the next sequence number, and the
/// read model, which has no row for it any more, takes that opening as a new leak.
/// </remarks>
public sealed class HistoryPruner
{
    /// <summary>Leaks forgotten per transaction: short transactions beside a live projection.</summary>
    public const int LeaksPerTransaction = 200;

    private static readonly string Closed = string.Join(", ",
        new[] { LeakStatus.Resolved, LeakStatus.Exited, LeakStatus.OomKilled }.Select(s => $"'{SnakeCase.Name(s)}'"));

    private readonly ReadModelStore _store;

    public HistoryPruner(ReadModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Forgets every leak closed before <paramref name="closedBefore"/> (by its last event's time) that may be.</summary>
    public async Task<PruneResult> PruneAsync(DateTimeOffset closedBefore, CancellationToken ct)
    {
        var total = PruneResult.None;
        // The trends count a leak they were fed until their own retention drops it: one they have not seen yet must stay.
        var projected = Math.Min(
            await _store.ReadOffsetAsync(ReadModelStore.LeakProjection, ct).ConfigureAwait(false),
            await TrendOffset.ReadAsync(_store.Database, _store.ConnectionString, ct).ConfigureAwait(false));
        if (projected == 0)
        {
            return total; // nothing projected yet by one of them: nothing is known to be safe
        }

        // Keyset over (last_seen, persistence_id): a leak left for now (an event to project) is not met again.
        (long Ticks, string Id) after = (long.MinValue, "");
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await using var connection = await _store.OpenAsync(ct).ConfigureAwait(false);
            var candidates = await CandidatesAsync(connection, closedBefore, after, ct).ConfigureAwait(false);
            if (candidates.Count == 0)
            {
                return total;
            }

            after = candidates[^1];
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            total = total.Add(await ForgetAsync(connection, transaction, [.. candidates.Select(c => c.Id)], closedBefore, projected, ct).ConfigureAwait(false));
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task<List<(long Ticks, string Id)>> CandidatesAsync(DbConnection connection, DateTimeOffset closedBefore, (long Ticks, string Id) after, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT last_seen, persistence_id FROM leak_rows
            WHERE status IN ({Closed}) AND last_seen < @before
              AND (last_seen > @ticks OR (last_seen = @ticks AND persistence_id > @id))
            ORDER BY last_seen, persistence_id
            LIMIT {LeaksPerTransaction}
            """;
        RowMapping.Add(command, "@before", RowMapping.Ticks(closedBefore));
        RowMapping.Add(command, "@ticks", after.Ticks);
        RowMapping.Add(command, "@id", after.Id);
        var candidates = new List<(long, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            candidates.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return candidates;
    }

    /// <summary>Forgets those of <paramref name="ids"/> that are still closed before the time and wholly projected.</summary>
    private async Task<PruneResult> ForgetAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<string> ids, DateTimeOffset closedBefore, long projected, CancellationToken ct)
    {
        var list = string.Join(", ", ids.Select((_, i) => "@id" + i));

        // Checked inside the transaction, and held in a list: every statement below acts on the same leaks.
        var eligible = new List<(string Id, long Seq)>();
        await using (var select = Command(connection, transaction, $"""
            SELECT r.persistence_id, r.last_sequence_nr FROM leak_rows r
            WHERE r.persistence_id IN ({list}) AND r.status IN ({Closed}) AND r.last_seen < @before
              AND NOT {PluginTables.EventsPast("r", "@projected")}
            """))
        {
            for (var i = 0; i < ids.Count; i++)
            {
                RowMapping.Add(select, "@id" + i, ids[i]);
            }

            RowMapping.Add(select, "@before", RowMapping.Ticks(closedBefore));
            RowMapping.Add(select, "@projected", projected);
            await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                eligible.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        if (eligible.Count == 0)
        {
            return PruneResult.None;
        }

        var leaks = string.Join(", ", eligible.Select((_, i) => "@leak" + i));
        async Task<long> RunAsync(string sql)
        {
            await using var command = Command(connection, transaction, sql);
            for (var i = 0; i < eligible.Count; i++)
            {
                RowMapping.Add(command, "@leak" + i, eligible[i].Id);
            }

            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        var reports = await RunAsync($"DELETE FROM leak_reports WHERE persistence_id IN ({leaks})").ConfigureAwait(false);
        var snapshots = await TableCheck.ExistsAsync(connection, transaction, _store.Database, PluginTables.Snapshot, ct).ConfigureAwait(false)
            ? await RunAsync(PluginTables.DeleteSnapshotsOf(leaks)).ConfigureAwait(false)
            : 0;

        // All but each leak's last event, which stays, marked deleted (no recovery replays it): its sequence number.
        var events = await RunAsync(PluginTables.DeleteEventsBeforeLastProjected(leaks)).ConfigureAwait(false);
        await RunAsync(PluginTables.MarkDeleted(leaks)).ConfigureAwait(false);
        var rows = await RunAsync($"DELETE FROM leak_rows WHERE persistence_id IN ({leaks})").ConfigureAwait(false);
        return new PruneResult((int)rows, events, snapshots, reports);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
