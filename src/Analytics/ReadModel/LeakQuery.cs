using System.Data.Common;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>What the read model answers: leaks by filter, one leak with its reports, and per-service summaries.</summary>
public sealed class LeakQuery
{
    public const int DefaultReports = 500;

    /// <summary>Samples of one leak returned unless asked otherwise: the newest, about ten minutes of a leak reported every second.</summary>
    public const int DefaultSamples = 1000;

    private readonly ReadModelStore _store;

    public LeakQuery(ReadModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>The leaks the filter lets through, newest (last seen) first.</summary>
    public async Task<IReadOnlyList<LeakRow>> ListAsync(LeakFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Limit is < 1 or > LeakFilter.MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(filter), filter.Limit, $"a limit is 1 to {LeakFilter.MaxLimit}");
        }

        await using var connection = await _store.OpenAsync(ct).ConfigureAwait(false);
        await using var command = ListCommand(connection, filter);
        return await ReadAllAsync(command, RowMapping.ReadLeak, ct).ConfigureAwait(false);
    }

    /// <summary>The list query for <paramref name="filter"/>, on <paramref name="connection"/> (its plan is tested).</summary>
    internal DbCommand ListCommand(DbConnection connection, LeakFilter filter)
    {
        var command = connection.CreateCommand();
        var where = new List<string>();
        if (filter.Host is { } host)
        {
            where.Add("host = @host");
            RowMapping.Add(command, "@host", host);
        }

        if (filter.Service is { } service)
        {
            where.Add("service = @service");
            RowMapping.Add(command, "@service", service);
        }

        if (filter.SeenSince is { } since)
        {
            where.Add("last_seen >= @since");
            RowMapping.Add(command, "@since", RowMapping.Ticks(since));
        }

        if (filter.Statuses is { } statuses)
        {
            // SQLite plans without statistics (nothing runs ANALYZE) and rates status = ? as selective as
            // service = ?, so it walked every leak of that status in the window, fleet-wide, instead of the
            // service's few (bench query: p95 16 ms against 2 ms at 50k leaks, growing with the fleet).
            // The unary + keeps the status index for status-only lists; PostgreSQL has statistics and
            // chooses well by itself.
            var column = _store.Database == JournalDatabase.Sqlite && (filter.Host is not null || filter.Service is not null) ? "+status" : "status";
            var names = statuses.Distinct().Select((s, i) => (Name: "@status" + i, Value: SnakeCase.Name(s))).ToList();
            where.Add(names.Count == 0 ? "1 = 0" : $"{column} IN ({string.Join(", ", names.Select(n => n.Name))})");
            names.ForEach(n => RowMapping.Add(command, n.Name, n.Value));
        }

        command.CommandText = $"SELECT {RowMapping.LeakColumns} FROM leak_rows"
            + (where.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", where))
            + " ORDER BY last_seen DESC, persistence_id LIMIT @limit";
        RowMapping.Add(command, "@limit", filter.Limit);
        return command;
    }

    /// <summary>One leak with its newest <paramref name="reports"/> reports, newest first, and no samples; null when the read model has no such leak.</summary>
    public Task<LeakDetail?> GetAsync(LeakId leak, int reports, CancellationToken ct) => GetAsync(leak, reports, 0, ct);

    /// <summary>
    /// One leak with its newest <paramref name="reports"/> reports, newest first, and its newest
    /// <paramref name="samples"/> samples, oldest first; null when the read model has no such leak.
    /// </summary>
    public async Task<LeakDetail?> GetAsync(LeakId leak, int reports, int samples, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reports);
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        var persistenceId = LeakEntity.PersistenceIdOf(leak);
        await using var connection = await _store.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RowMapping.LeakColumns} FROM leak_rows WHERE persistence_id = @id";
        RowMapping.Add(command, "@id", persistenceId);
        var row = (await ReadAllAsync(command, RowMapping.ReadLeak, ct).ConfigureAwait(false)).SingleOrDefault();
        if (row is null)
        {
            return null;
        }

        await using var reportsCommand = connection.CreateCommand();
        reportsCommand.CommandText = $"SELECT {RowMapping.ReportColumns} FROM leak_reports WHERE persistence_id = @id ORDER BY sequence_nr DESC LIMIT @limit";
        RowMapping.Add(reportsCommand, "@id", persistenceId);
        RowMapping.Add(reportsCommand, "@limit", reports);
        var reportRows = await ReadAllAsync(reportsCommand, RowMapping.ReadReport, ct).ConfigureAwait(false);
        var sampleRows = await JournalSamples.NewestAsync(connection, persistenceId, row.LastSequenceNr, samples, ct).ConfigureAwait(false);
        return new LeakDetail(row, reportRows, sampleRows);
    }

    /// <summary>Every service key the read model has a leak of, by name.</summary>
    public async Task<IReadOnlyList<string>> ServiceNamesAsync(CancellationToken ct)
    {
        await using var connection = await _store.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT service FROM leak_rows ORDER BY service";
        return await ReadAllAsync(command, r => r.GetString(0), ct).ConfigureAwait(false);
    }

    /// <summary>Every service's trend as its leaks' rows tell it (see <see cref="RowTrend.Of"/>), by name.</summary>
    public async Task<IReadOnlyList<ServiceTrend>> ServiceTrendsAsync(string? service, CancellationToken ct)
    {
        await using var connection = await _store.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RowMapping.LeakColumns} FROM leak_rows" + (service is null ? string.Empty : " WHERE service = @service") + " ORDER BY service";
        if (service is not null)
        {
            RowMapping.Add(command, "@service", service);
        }

        var rows = await ReadAllAsync(command, RowMapping.ReadLeak, ct).ConfigureAwait(false);
        return [.. rows.GroupBy(r => r.Service, StringComparer.Ordinal).Select(g => RowTrend.Of(g.Key, g))];
    }

    /// <summary>
    /// The open leaks with a memory limit, fleet-wide, the one that reaches it first (as last reported) first:
    /// ordered by report time plus time to limit, which is the order of the time left at any moment.
    /// </summary>
    public async Task<IReadOnlyList<LeakRow>> SoonestToLimitAsync(int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, LeakFilter.MaxLimit);
        await using var connection = await _store.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {RowMapping.LeakColumns} FROM leak_rows WHERE status IN (@suspected, @confirmed) AND seconds_to_limit IS NOT NULL "
            + $"ORDER BY last_report + (seconds_to_limit * {TimeSpan.TicksPerSecond}), persistence_id LIMIT @limit";
        RowMapping.Add(command, "@suspected", SnakeCase.Name(LeakStatus.Suspected));
        RowMapping.Add(command, "@confirmed", SnakeCase.Name(LeakStatus.Confirmed));
        RowMapping.Add(command, "@limit", limit);
        return await ReadAllAsync(command, RowMapping.ReadLeak, ct).ConfigureAwait(false);
    }

    private static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
