namespace MemGrowth.Analytics.ReadModel;

/// <summary>The service key of leaks the read model holds, by persistence id (only a leak's opening event carries it); read, never written, by the trend projection.</summary>
internal static class LeakServices
{
    private const int IdsPerStatement = 500;

    /// <summary>The service of each of <paramref name="persistenceIds"/> that has a leak row; the others are left out.</summary>
    public static async Task<Dictionary<string, string>> ReadAsync(ReadModelStore store, IReadOnlyList<string> persistenceIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(persistenceIds);
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        if (persistenceIds.Count == 0)
        {
            return services;
        }

        await using var connection = await store.OpenAsync(ct).ConfigureAwait(false);
        if (!await Persistence.TableCheck.ExistsAsync(connection, null, store.Database, "leak_rows", ct).ConfigureAwait(false))
        {
            return services; // the read model's projection has not started yet: the trends look elsewhere
        }

        foreach (var chunk in persistenceIds.Chunk(IdsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT persistence_id, service FROM leak_rows WHERE persistence_id IN ({string.Join(", ", chunk.Select((_, i) => "@id" + i))})";
            for (var i = 0; i < chunk.Length; i++)
            {
                RowMapping.Add(command, "@id" + i, chunk[i]);
            }

            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                services[reader.GetString(0)] = reader.GetString(1);
            }
        }

        return services;
    }
}
