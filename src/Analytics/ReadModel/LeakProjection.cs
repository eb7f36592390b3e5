using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// The live projection of the journal into the read model: all events (AllEvents, in journal order) from
/// the stored offset, leak events kept, in batches, each stored with its offset in one transaction (<see cref="ReadModelStore.ApplyAsync"/>).
/// A failure (database away, say) restarts the stream with backoff from the offset stored last, so what
/// was stored is never read again as new and what was not is never skipped. With an <see cref="ITrendFeed"/>,
/// each batch goes to the service trends while it is written, and commits only once they have it, so they see everything at least once (leaks
/// projected before any projection fed them included: see <see cref="TrendBackfill"/>). Dispose to stop it.
/// An event that does not read (the serializer hands it over as an <see cref="UnreadableMessage"/>), could not be
/// a leak entity's, or does not apply is quarantined (<see cref="QuarantinedEvent"/>), logged and counted, and the
/// offset moves past it: one bad row must not stop the projection of every event after it.
/// </summary>
public sealed class LeakProjection : IAsyncDisposable
{
    private const int BatchSize = 2000;

    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    private readonly ReadModelStore _store;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<(long Ordering, TaskCompletionSource Done)> _waiters = [];
    private UniqueKillSwitch? _kill;
    private long _offset;

    private readonly ActorSystem _system;
    private readonly ITrendFeed? _trends;
    private long _quarantined;

    private LeakProjection(ActorSystem system, ReadModelStore store, ITrendFeed? trends)
    {
        _system = system;
        _store = store;
        _trends = trends;
    }

    /// <summary>Events this projection quarantined since it started (the quarantined_events table holds every projection's).</summary>
    public long Quarantined => Interlocked.Read(ref _quarantined);

    /// <summary>Ends when the projection is stopped; faults only if it could not be run at all.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts following the journal of <paramref name="system"/> (its query.journal.sql) into <paramref name="store"/>,
    /// feeding <paramref name="trends"/> first when given.
    /// </summary>
    public static LeakProjection Start(ActorSystem system, ReadModelStore store, ITrendFeed? trends = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        var projection = new LeakProjection(system, store, trends);
        var ct = projection._stop.Token;
        var restarts = RestartSettings.Create(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), 0.2);
        (UniqueKillSwitch kill, Task done) = RestartSource.OnFailuresWithBackoff(
                () => Source.FromTask(StartAsync(store, trends is not null, system.Log, ct))
                    // The read journal is made inside the stream, so that its failing to start (its constructor
                    // gives the write journal 5 s, fixed, and throws past that: seen on a loaded host) restarts
                    // the stream with backoff; made beforehand, it failed the singleton's start, and a stopped
                    // singleton projected nothing until the node restarted.
                    .SelectAsync(1, async offset => (Offset: offset, Journal: await ReadJournalAsync(system).ConfigureAwait(false)))
                    .ConcatMany(start => Events(start.Journal.AllEvents(Offset.Sequence(start.Offset))))
                    // The journal is read ahead while a batch is stored: without room here the next page
                    // was only asked for once the batch before it was stored (reading 2,000 events took as
                    // long as storing them at full ingest).
                    .Buffer(2 * BatchSize, OverflowStrategy.Backpressure)
                    .GroupedWithin(BatchSize, BatchWindow)
                    .SelectAsync(1, async batch => await projection.ApplyAsync(Split(batch), ct).ConfigureAwait(false))
                    .WatchTermination((_, termination) =>
                    {
                        termination.ContinueWith(
                            t =>
                            {
                                if (t.Exception?.InnerException is not AbruptStageTerminationException)
                                {
                                    system.Log.Error(t.Exception, "leak read model: projection failed; restarting from its stored offset");
                                }
                            },
                            CancellationToken.None,
                            TaskContinuationOptions.OnlyOnFaulted,
                            TaskScheduler.Default);
                        return NotUsed.Instance;
                    }),
                restarts)
            .ViaMaterialized(KillSwitches.Single<long>(), Keep.Right)
            .ToMaterialized(Sink.Ignore<long>(), Keep.Both)
            .Run(system.Materializer());
        projection._kill = kill;
        projection.Completion = done;
        return projection;
    }

    /// <summary>The journal's SQL read journal (Akka.Persistence keeps it once made); made off the stream's threads, since its constructor blocks.</summary>
    private static Task<SqlReadJournal> ReadJournalAsync(ActorSystem system) =>
        Task.Run(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier));

    /// <summary>
    /// Stores what the journal holds now past the stored offset, then returns how many events changed a
    /// leak row: for a reader (`memgrowth leaks`) of a history no live projection follows. With
    /// <paramref name="trends"/>, each batch goes to the trends first, as the live projection does, so the
    /// offset never moves past events the trends have not seen.
    /// </summary>
    public static async Task<int> CatchUpAsync(ActorSystem system, ReadModelStore store, ITrendFeed? trends, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        // Quiet: `memgrowth leaks --json` writes its answer to stdout, where Akka's logger writes too.
        var offset = await StartAsync(store, trends is not null, null, ct).ConfigureAwait(false);
        return await Events(journal.CurrentAllEvents(Offset.Sequence(offset)))
            .Grouped(BatchSize)
            .SelectAsync(1, async entries =>
            {
                var (batch, quarantined) = Split(entries);
                if (trends is not null && batch.Count > 0)
                {
                    await trends.RecordAsync(batch, ct).ConfigureAwait(false);
                }

                return (await store.ApplyAsync(ReadModelStore.LeakProjection, batch, quarantined, null, ct).ConfigureAwait(false)).Applied;
            })
            .RunAggregate(0, (total, applied) => total + applied, system.Materializer())
            .WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Completes once everything up to <paramref name="ordering"/> in the journal is stored.</summary>
    public Task WaitForOffsetAsync(long ordering, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_offset >= ordering)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((ordering, done));
            return done.Task.WaitAsync(ct);
        }
    }

    /// <summary>Stops the projection; a batch being stored is rolled back or committed whole.</summary>
    public async ValueTask DisposeAsync()
    {
        _kill?.Shutdown();
        await _stop.CancelAsync().ConfigureAwait(false);

        // A stream whose actor system terminated first never completes: its end is the system's.
        await Task.WhenAny(Completion, _system.WhenTerminated).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>
    /// The tables, and the offset to start from; a projection that feeds the trends first backfills them once
    /// when leaks were projected without them (<see cref="TrendBackfill"/>), from offset 0.
    /// </summary>
    private static async Task<long> StartAsync(ReadModelStore store, bool feedsTrends, ILoggingAdapter? log, CancellationToken ct)
    {
        await store.InitializeAsync(ct).ConfigureAwait(false);
        if (feedsTrends && await TrendBackfill.StartAsync(store, ct).ConfigureAwait(false))
        {
            log?.Warning("leak read model: leaks were projected before the service trends were fed; projecting the journal again from its start, once, to feed them (the read model's rows are unchanged)");
        }

        return await store.ReadOffsetAsync(ReadModelStore.LeakProjection, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The leak events among the journal's, each either to project or quarantined (see the class summary). All
    /// events rather than EventsByTag("leak"): the same rows in the same order, wherever their tag is stored
    /// (tag table in older journals, tags column now).
    /// </summary>
    private static Source<object, NotUsed> Events(Source<EventEnvelope, NotUsed> envelopes) =>
        envelopes
            .Where(e => e.Event is LeakEvent or UnreadableMessage && e.Offset is Sequence)
            .Select(Entry);

    /// <summary>A <see cref="ProjectedEvent"/>, or the <see cref="QuarantinedEvent"/> it is instead.</summary>
    private static object Entry(EventEnvelope e)
    {
        var ordering = ((Sequence)e.Offset).Value;
        return e.Event switch
        {
            LeakEvent leak when QuarantinedEvent.Problem(e.PersistenceId, leak) is { } problem => new QuarantinedEvent(e.PersistenceId, e.SequenceNr, ordering, problem),
            LeakEvent leak => new ProjectedEvent(e.PersistenceId, e.SequenceNr, ordering, leak),
            UnreadableMessage u => new QuarantinedEvent(e.PersistenceId, e.SequenceNr, ordering, $"does not read as '{u.Manifest}': {u.Reason}"),
            _ => throw new InvalidOperationException($"not a leak event: {e.Event.GetType().Name}"),
        };
    }

    private static (List<ProjectedEvent> Events, List<QuarantinedEvent> Quarantined) Split(IEnumerable<object> entries)
    {
        var events = new List<ProjectedEvent>();
        var quarantined = new List<QuarantinedEvent>();
        foreach (var entry in entries)
        {
            if (entry is QuarantinedEvent q)
            {
                quarantined.Add(q);
            }
            else
            {
                events.Add((ProjectedEvent)entry);
            }
        }

        return (events, quarantined);
    }

    private async Task<long> ApplyAsync((List<ProjectedEvent> Events, List<QuarantinedEvent> Quarantined) entries, CancellationToken ct)
    {
        var (batch, quarantined) = entries;
        var trends = batch.Count > 0 ? _trends : null;
        IReadOnlyList<QuarantinedEvent> stepped;
        // On PostgreSQL the trends take the batch while the read model writes it, and the offset commits only
        // once both are done. SQLite has one writer at a time: the read model's open transaction would hold
        // the trends' journal writes off until it timed out, so there the trends go first.
        if (trends is not null && _store.Database == JournalDatabase.Sqlite)
        {
            await trends.RecordAsync(batch, ct).ConfigureAwait(false);
            (_, stepped) = await _store.ApplyAsync(ReadModelStore.LeakProjection, batch, quarantined, null, ct).ConfigureAwait(false);
            return Stored(batch, stepped);
        }

        var recorded = trends?.RecordAsync(batch, ct) ?? Task.CompletedTask;
        try
        {
            (_, stepped) = await _store.ApplyAsync(ReadModelStore.LeakProjection, batch, quarantined, () => recorded, ct).ConfigureAwait(false);
        }
        catch
        {
            _ = recorded.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }

        return Stored(batch, stepped);
    }

    /// <summary>Logs and counts what was quarantined, moves the stored offset to the batch's last event and wakes whoever waits for it.</summary>
    private long Stored(IReadOnlyList<ProjectedEvent> batch, IReadOnlyList<QuarantinedEvent> quarantined)
    {
        foreach (var q in quarantined)
        {
            var count = Interlocked.Increment(ref _quarantined);
            _system.Log.Warning("leak read model: event {0} of {1} (journal ordering {2}) quarantined, not projected: {3} ({4} since start; see table quarantined_events)",
                q.SequenceNr, q.PersistenceId, q.Ordering, q.Reason, count);
        }

        var ordering = batch.Select(e => e.Ordering).Concat(quarantined.Select(q => q.Ordering)).Max();
        lock (_lock)
        {
            _offset = Math.Max(_offset, ordering);
            foreach (var waiter in _waiters.Where(w => w.Ordering <= _offset).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }

        return ordering;
    }
}
