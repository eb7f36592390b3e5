using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Event;
using Akka.Persistence;
using Akka.Persistence.Sql.Journal;

namespace MemGrowth.Analytics.Persistence;

/// <summary>
/// Akka.Persistence.Sql's journal, with the reads of entities' highest sequence numbers, the read every
/// entity makes as it starts, answered together (<see cref="BatchedQuery{TKey,TResult}"/>, <see cref="HighestSequenceNrs"/>):
/// see <see cref="BatchedSnapshotStore"/> for why. As the plugin does, a read for a persistence id whose
/// write is still in progress waits for that write first (an entity stopped and started again at once must
/// see what it had just written). Everything else is the plugin's.
/// </summary>
public sealed class BatchedWriteJournal : SqlWriteJournal
{
    /// <summary>Most ids in one query (two parameters each; SQLite takes up to 999).</summary>
    private const int MaxBatch = 200;

    private readonly ConcurrentDictionary<string, Task> _writing = new(StringComparer.Ordinal);
    private readonly BatchedQuery<(string Id, long Above), long>? _highest;
    private readonly ILoggingAdapter _log;

    public BatchedWriteJournal(Config journalConfig)
        : base(journalConfig)
    {
        _log = Logging.GetLogger(Context.System, this);
        if (PluginTable.Of(journalConfig, "journal") is { } table)
        {
            _highest = new BatchedQuery<(string, long), long>(asks => HighestSequenceNrs.ReadAsync(table, asks), MaxBatch);
        }
    }

    protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
    {
        var writes = messages as IReadOnlyList<AtomicWrite> ?? messages.ToList();
        var written = base.WriteMessagesAsync(writes, cancellationToken);
        if (writes.Count > 0)
        {
            // The plugin's writes for one call are one persistent actor's.
            var id = writes[0].PersistenceId;
            _writing[id] = written;
            written.ContinueWith(done => _writing.TryRemove(KeyValuePair.Create(id, (Task)done)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return written;
    }

    public override async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken)
    {
        if (_highest is null)
        {
            return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken).ConfigureAwait(false);
        }

        if (_writing.TryGetValue(persistenceId, out var write))
        {
            // Succeeded or failed, it has finished: what it wrote, if anything, is read.
            await write.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await _highest.LookUp((persistenceId, fromSequenceNr), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A table the plugin has not created yet, a lost connection: the plugin's own query fails as it
            // would have, or answers.
            _log.Warning("highest sequence number of {0}: the batched query failed ({1}); asked again by the plugin's own query", persistenceId, e.Message);
            return await base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken).ConfigureAwait(false);
        }
    }
}
