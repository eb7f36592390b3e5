using System.Data.Common;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// The samples behind a leak's reports, read where they are stored once: in the journal, inside the
/// <see cref="LeakOpened"/> and <see cref="LeakReported"/> events that carry them (the read model kept a copy
/// of each event's samples until it cost a fifth of the projection's writes; see docs/bench/ingest.md).
/// Read straight from the journal's table (the plugin's default mapping, as <see cref="Retention.HistoryPruner"/>
/// deletes from it), newest event first along its key, only as far back as the samples asked for.
/// </summary>
internal static class JournalSamples
{
    private static readonly string Opened = MessageSerializer.ManifestFor(typeof(LeakOpened));
    private static readonly string Reported = MessageSerializer.ManifestFor(typeof(LeakReported));

    /// <summary>Events read per query: a report's samples are a few to a few dozen, the default ask is 1,000.</summary>
    private const int EventsPerPage = 100;

    /// <summary>
    /// The newest <paramref name="count"/> samples of a leak's events up to <paramref name="upTo"/> (the last the
    /// read model has projected, so samples never run ahead of the reports beside them), oldest first.
    /// </summary>
    public static async Task<List<SampleRow>> NewestAsync(DbConnection connection, string persistenceId, long upTo, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var rows = new List<SampleRow>();
        if (count <= 0)
        {
            return rows;
        }

        // Pages of events, newest first, until enough samples are read: a leak's journal can hold a hundred
        // thousand events, and a query for all of them sends them all, however few are read. An event that
        // carries samples carries at least one, so at most as many events as samples asked for are read
        // (fewer samples come back only from events that carry none, as journals from before samples did).
        var before = upTo + 1;
        for (var events = 0; rows.Count < count && events < count;)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Persistence.PluginTables.SampleEventsBefore;
            RowMapping.Add(command, "@id", persistenceId);
            RowMapping.Add(command, "@before", before);
            RowMapping.Add(command, "@opened", Opened);
            RowMapping.Add(command, "@reported", Reported);
            RowMapping.Add(command, "@page", Math.Min(EventsPerPage, count - events));
            var read = 0;
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    read++;
                    before = reader.GetInt64(0);
                    if (rows.Count < count)
                    {
                        // An event that does not read was quarantined by the projection (ReadModelStore.Quarantined): it has no samples to show.
                        if (Read(reader.GetFieldValue<byte[]>(2), reader.GetString(1)) is { } e)
                        {
                            rows.AddRange(Of(persistenceId, before, e).Reverse().Take(count - rows.Count));
                        }
                    }
                }
            }

            if (read == 0)
            {
                break;
            }

            events += read;
        }

        rows.Reverse();
        return rows;
    }

    private static LeakEvent? Read(byte[] bytes, string manifest)
    {
        try
        {
            return MessageSerializer.Decode(bytes, manifest) as LeakEvent;
        }
        catch (System.Runtime.Serialization.SerializationException)
        {
            return null;
        }
    }

    /// <summary>The samples event <paramref name="sequenceNr"/> carries, in its order (none for events without a report).</summary>
    public static IEnumerable<SampleRow> Of(string persistenceId, long sequenceNr, LeakEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var samples = e switch
        {
            LeakOpened o => o.Samples,
            LeakReported r => r.Samples,
            _ => MemorySamples.Empty,
        };
        return samples.Select((s, i) => new SampleRow(persistenceId, sequenceNr, i, s.Time, s.RssBytes, s.AnonBytes, s.FileBytes, s.SwapBytes));
    }
}
