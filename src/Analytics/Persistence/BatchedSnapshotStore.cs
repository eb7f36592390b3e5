using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Akka.Persistence.Sql's snapshot store, with the loads of entities' latest snapshots, the load every
/// entity makes as it starts, answered together (<see cref="BatchedQuery{TKey,TResult}"/>, <see cref="LatestSnapshots"/>):
/// a thousand leaks first reported in the same second start a thousand entities, and each load the plugin
/// makes takes a connection and a transaction of its own (one new leak in twenty was still waiting for the
/// read model after a second at 20,000 detections/s; see docs/bench/ingest.md). Everything else (saves,
/// deletes, loads by sequence number or time) is the plugin's, as is the table it reads and writes.
/// </summary>
public sealed class BatchedSnapshotStore : SqlSnapshotStore
{
    /// <summary>Most ids in one query (SQLite takes up to 999 parameters; PostgreSQL 65,535).</summary>
    private const int MaxBatch = 200;

    private readonly Akka.Serialization.Serialization _serialization;
    private readonly BatchedQuery<string, StoredSnapshot?>? _latest;

    public BatchedSnapshotStore(Config snapshotConfig)
        : base(snapshotConfig)
    {
        _serialization = Context.System.Serialization;
        if (PluginTable.Of(snapshotConfig, "snapshot") is { } table)
        {
            _latest = new BatchedQuery<string, StoredSnapshot?>(ids => LatestSnapshots.ReadAsync(table, ids), MaxBatch);
        }
    }

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        if (_latest is null || criteria.MaxSequenceNr != long.MaxValue || criteria.MaxTimeStamp != DateTime.MaxValue)
        {
            return await base.LoadAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
        }

        var stored = await _latest.LookUp(persistenceId).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return null;
        }

        if (stored.SerializerId is not { } serializerId)
        {
            // A row of an older plugin, typed by its manifest alone: the plugin reads those.
            return await base.LoadAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
        }

        var metadata = new SnapshotMetadata(persistenceId, stored.SequenceNr, new DateTime(stored.Created));
        return new SelectedSnapshot(metadata, _serialization.Deserialize(stored.Payload, serializerId, stored.Manifest));
    }
}
