using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql.Snapshot;
using Akka.Serialization;
using Akka.Util;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Akka.Persistence.Sql's snapshot store, with what entities do most done in batches, in plain SQL on the
/// plugin's own table (<see cref="BatchedQuery{TKey,TResult}"/>): the load of the latest snapshot that
/// every entity makes as it starts (<see cref="LatestSnapshots"/>; a thousand leaks first reported in the
/// same second start a thousand entities, and each load the plugin makes takes a connection and a
/// transaction of its own: one new leak in twenty was still waiting for the read model after a second at
/// 20,000 detections/s, see docs/bench/ingest.md), saves, and deletions of the snapshots before a sequence
/// number (<see cref="SnapshotWrites"/>). Loads by sequence number or time, and deletions by time or of one
/// snapshot, are the plugin's.
/// </summary>
public sealed class BatchedSnapshotStore : SqlSnapshotStore
{
    /// <summary>Most ids in one query (SQLite takes up to 999 parameters; PostgreSQL 65,535).</summary>
    private const int MaxBatch = 200;

    private readonly Akka.Serialization.Serialization _serialization;
    private readonly ILoggingAdapter _log;
    private readonly BatchedQuery<string, StoredSnapshot?>? _latest;
    private readonly BatchedQuery<(string Id, StoredSnapshot Snapshot), bool>? _saves;
    private readonly BatchedQuery<(string Id, long UpTo), bool>? _deletions;

    public BatchedSnapshotStore(Config snapshotConfig)
        : base(snapshotConfig)
    {
        _serialization = Context.System.Serialization;
        _log = Logging.GetLogger(Context.System, this);
        if (PluginTable.Of(snapshotConfig, "snapshot") is { } table)
        {
            _latest = new BatchedQuery<string, StoredSnapshot?>(ids => LatestSnapshots.ReadAsync(table, ids), MaxBatch);
            _saves = new BatchedQuery<(string, StoredSnapshot), bool>(saves => SnapshotWrites.SaveAsync(table, saves), MaxBatch / 2);
            _deletions = new BatchedQuery<(string, long), bool>(deletions => SnapshotWrites.DeleteAsync(table, deletions), MaxBatch);
        }
    }

    protected override async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        if (_latest is null || criteria.MaxSequenceNr != long.MaxValue || criteria.MaxTimeStamp != DateTime.MaxValue)
        {
            return await base.LoadAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
        }

        StoredSnapshot? stored;
        try
        {
            stored = await _latest.LookUp(persistenceId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fallback("load", persistenceId, e);
            return await base.LoadAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
        }

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

    protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_saves is null)
        {
            await base.SaveAsync(metadata, snapshot, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Serialized as the plugin does: the serializer bound to the snapshot's type, its manifest.
        var serializer = _serialization.FindSerializerFor(snapshot);
        var manifest = serializer switch
        {
            SerializerWithStringManifest named => named.Manifest(snapshot),
            { IncludeManifest: true } => snapshot.GetType().TypeQualifiedName(),
            _ => "",
        };
        var stored = new StoredSnapshot(metadata.SequenceNr, metadata.Timestamp.Ticks, serializer.ToBinary(snapshot), manifest, serializer.Identifier);
        try
        {
            await _saves.LookUp((metadata.PersistenceId, stored), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fallback("save", metadata.PersistenceId, e);
            await base.SaveAsync(metadata, snapshot, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        if (_deletions is null || criteria.MaxSequenceNr == long.MaxValue || criteria.MaxTimeStamp != DateTime.MaxValue)
        {
            await base.DeleteAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _deletions.LookUp((persistenceId, criteria.MaxSequenceNr), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fallback("deletion", persistenceId, e);
            await base.DeleteAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A batched statement failed (a table the plugin has not created yet, a lost connection): the operation is
    /// done again by the plugin's own code, which fails as it would have or succeeds (it creates its tables).
    /// </summary>
    private void Fallback(string operation, string persistenceId, Exception e) =>
        _log.Warning("snapshot {0} of {1}: the batched statement failed ({2}); done again by the plugin's own query", operation, persistenceId, e.Message);
}
