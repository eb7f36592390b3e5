using System.Globalization;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// Leaks projected before the service trends existed (or by a node that fed none) never reached a trend entity.
/// The first projection that feeds the trends on a database marks it (the <see cref="ReadModelStore.TrendsMarker"/>
/// row of read_model_offsets) and, when leaks were projected already, moves the leak projection's offset back
/// to 0 in the same transaction, once: the projection then reads the journal again from its start, feeding
/// every leak event to its trend. The read model takes the replay as a no-op (a row applies a sequence number
/// once, reports and samples are keyed by it) and so does a trend entity (it journals a leak's sequence number
/// once), so a database whose trends were fed already only pays the reading.
/// </summary>
internal static class TrendBackfill
{
    /// <summary>
    /// Marks the database as feeding the trends, the first time; true when leaks were projected before and the
    /// leak projection will start again from the journal's beginning. Safe to call on every start, from
    /// several processes at once: one of them marks, the others see the mark.
    /// </summary>
    public static async Task<bool> StartAsync(ReadModelStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = await store.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        // The mark keeps how far the leaks had been projected without the trends: the backfill's end.
        await using var mark = connection.CreateCommand();
        mark.Transaction = transaction;
        mark.CommandText = """
            INSERT INTO read_model_offsets (projection, ordering)
            SELECT @trends, COALESCE((SELECT ordering FROM read_model_offsets WHERE projection = @leaks), 0) WHERE 1 = 1
            ON CONFLICT (projection) DO NOTHING
            """;
        RowMapping.Add(mark, "@trends", ReadModelStore.TrendsMarker);
        RowMapping.Add(mark, "@leaks", ReadModelStore.LeakProjection);
        if (await mark.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
        {
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return false;
        }

        await using var reset = connection.CreateCommand();
        reset.Transaction = transaction;
        reset.CommandText = "UPDATE read_model_offsets SET ordering = 0 WHERE projection = @leaks AND ordering > 0";
        RowMapping.Add(reset, "@leaks", ReadModelStore.LeakProjection);
        var replay = await reset.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return replay;
    }

    /// <summary>How far the leaks were projected before the trends were fed (the mark), or null before the mark.</summary>
    public static async Task<long?> MarkedAtAsync(ReadModelStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = await store.OpenAsync(ct).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ordering FROM read_model_offsets WHERE projection = @trends";
        RowMapping.Add(command, "@trends", ReadModelStore.TrendsMarker);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } value and not DBNull ? Convert.ToInt64(value, CultureInfo.InvariantCulture) : null;
    }
}
