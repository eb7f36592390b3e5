using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>
/// The live projection of the journal into the read model: all events (AllEvents, in journal order) from
/// the stored offset, leak events kept, in batches, each stored with its offset in one transaction (<see cref="ReadModelStore.ApplyAsync"/>).
/// A failure (database away, say) restarts the stream with backoff from the offset stored last, so what
/// was stored is never read again as new and what was not is never skipped. It is the read model's one
/// writer and talks to nothing else: the service trends follow the journal on their own (<see cref="Trends.TrendProjection"/>).
/// Dispose to stop it; <see cref="DrainAsync"/> first to stop with the read model current.
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
    private readonly OffsetWaiters _offset = new();
    private UniqueKillSwitch? _kill;

    private readonly ActorSystem _system;
    private long _quarantined;

    private LeakProjection(ActorSystem system, ReadModelStore store)
    {
        _system = system;
        _store = store;
    }

    /// <summary>Events this projection quarantined since it started (the quarantined_events table holds every projection's).</summary>
    public long Quarantined => Interlocked.Read(ref _quarantined);

    /// <summary>Ends when the projection is stopped; faults only if it could not be run at all.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts following the journal of <paramref name="system"/> (its query.journal.sql) into <paramref name="store"/>.</summary>
    public static LeakProjection Start(ActorSystem system, ReadModelStore store)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        var projection = new LeakProjection(system, store);
        var ct = projection._stop.Token;
        var restarts = RestartSettings.Create(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), 0.2);
        (UniqueKillSwitch kill, Task done) = RestartSource.OnFailuresWithBackoff(
                () => Source.FromTask(projection.StartAsync(ct))
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
    internal static Task<SqlReadJournal> ReadJournalAsync(ActorSystem system) =>
        Task.Run(() => PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier));

    /// <summary>
    /// Stores what the journal holds now past the stored offset, then returns how many events changed a
    /// leak row: one pass, for the tests and benchmarks that project a journal no live projection follows.
    /// </summary>
    public static async Task<int> CatchUpAsync(ActorSystem system, ReadModelStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        var journal = PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
        await store.InitializeAsync(ct).ConfigureAwait(false);
        var offset = await store.ReadOffsetAsync(ReadModelStore.LeakProjection, ct).ConfigureAwait(false);
        return await Events(journal.CurrentAllEvents(Offset.Sequence(offset)))
            .Grouped(BatchSize)
            .SelectAsync(1, async entries =>
            {
                var (batch, quarantined) = Split(entries);
                return (await store.ApplyAsync(ReadModelStore.LeakProjection, batch, quarantined, ct).ConfigureAwait(false)).Applied;
            })
            .RunAggregate(0, (total, applied) => total + applied, system.Materializer())
            .WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Completes once everything up to <paramref name="ordering"/> in the journal is stored.</summary>
    public Task WaitForOffsetAsync(long ordering, CancellationToken ct) => _offset.WaitAsync(ordering, ct);

    /// <summary>
    /// Waits (at most <paramref name="timeout"/>) until what the journal holds now is stored: for a graceful stop,
    /// once nothing more is journaled, so the read model a stopped node leaves is current. False when the time
    /// ran out (the next start projects the rest).
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var end = await PluginTables.HighestOrderingAsync(_store.Database, _store.ConnectionString, cts.Token).ConfigureAwait(false);
            await _offset.WaitAsync(end, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
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

    /// <summary>The tables, and the offset to start from.</summary>
    private async Task<long> StartAsync(CancellationToken ct)
    {
        await _store.InitializeAsync(ct).ConfigureAwait(false);
        var offset = await _store.ReadOffsetAsync(ReadModelStore.LeakProjection, ct).ConfigureAwait(false);
        _offset.Reached(offset);
        return offset;
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
        var (_, stepped) = await _store.ApplyAsync(ReadModelStore.LeakProjection, batch, quarantined, ct).ConfigureAwait(false);
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
        _offset.Reached(ordering);
        return ordering;
    }
}
