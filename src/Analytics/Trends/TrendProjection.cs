using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// The service trends' own consumer of the journal, beside the read model's (<see cref="LeakProjection"/>) and
/// independent of it: the leak events (all events in journal order, as the read model reads them) from its own
/// stored offset (<see cref="TrendOffset"/>), in batches, each handed to the trend entities
/// (<see cref="TrendFeed"/>) and acknowledged by them before the offset moves past it. A failure (an entity
/// that does not answer, the database away) restarts the stream with backoff from the offset stored last; the
/// entities take the resent events as nothing new. An event the read model would quarantine is stepped over
/// here (the read model keeps the record of it). Dispose to stop it; <see cref="DrainAsync"/> first to stop
/// with everything journaled so far fed.
/// </summary>
public sealed class TrendProjection : IAsyncDisposable
{
    private const int BatchSize = 2000;

    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);

    private readonly ActorSystem _system;
    private readonly JournalDatabase _database;
    private readonly string _connectionString;
    private readonly CancellationTokenSource _stop = new();
    private readonly OffsetWaiters _offset = new();
    private UniqueKillSwitch? _kill;

    private TrendProjection(ActorSystem system, JournalDatabase database, string connectionString)
    {
        _system = system;
        _database = database;
        _connectionString = connectionString;
    }

    /// <summary>Ends when the projection is stopped; faults only if it could not be run at all.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts feeding the leak events of <paramref name="system"/>'s journal (its query.journal.sql) to the trend
    /// entities <paramref name="trends"/> (a shard region or proxy, or a <see cref="TrendRegion"/>), its offset
    /// kept in the same database. Dispose the result on shutdown, before terminating the system.
    /// </summary>
    public static TrendProjection Start(ActorSystem system, JournalDatabase database, string connectionString, IActorRef trends)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(trends);
        var feed = new TrendFeed(trends, new ReadModelStore(database, connectionString), opened: async (ids, ct) =>
            await OpenedServicesAsync(await LeakProjection.ReadJournalAsync(system).ConfigureAwait(false), system, ids, ct).ConfigureAwait(false));
        return Start(system, database, connectionString, feed);
    }

    /// <summary>The same with any feed (a test's, one that fails on cue).</summary>
    internal static TrendProjection Start(ActorSystem system, JournalDatabase database, string connectionString, ITrendFeed feed)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(feed);
        var projection = new TrendProjection(system, database, connectionString);
        var ct = projection._stop.Token;
        var restarts = RestartSettings.Create(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), 0.2);
        (UniqueKillSwitch kill, Task done) = RestartSource.OnFailuresWithBackoff(
                () => Source.FromTask(projection.StartAsync(ct))
                    // The read journal is made inside the stream, as the read model's projection makes it (see there).
                    .SelectAsync(1, async offset => (Offset: offset, Journal: await LeakProjection.ReadJournalAsync(system).ConfigureAwait(false)))
                    .ConcatMany(start => Events(start.Journal.AllEvents(Offset.Sequence(start.Offset))))
                    .Buffer(2 * BatchSize, OverflowStrategy.Backpressure)
                    .GroupedWithin(BatchSize, BatchWindow)
                    .SelectAsync(1, async batch => await projection.FeedAsync([.. batch], feed, ct).ConfigureAwait(false))
                    .WatchTermination((_, termination) =>
                    {
                        termination.ContinueWith(
                            t =>
                            {
                                if (t.Exception?.InnerException is not AbruptStageTerminationException)
                                {
                                    system.Log.Error(t.Exception, "service trends: their projection failed; restarting from its stored offset");
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

    /// <summary>Completes once everything up to <paramref name="ordering"/> in the journal is with the trends.</summary>
    public Task WaitForOffsetAsync(long ordering, CancellationToken ct) => _offset.WaitAsync(ordering, ct);

    /// <summary>
    /// Waits (at most <paramref name="timeout"/>) until what the journal holds now is with the trends: for a
    /// graceful stop, once nothing more is journaled. False when the time ran out (the next start feeds the rest).
    /// </summary>
    public async Task<bool> DrainAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var end = await PluginTables.HighestOrderingAsync(_database, _connectionString, cts.Token).ConfigureAwait(false);
            await _offset.WaitAsync(end, cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the projection; a batch being fed is fed again by the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        _kill?.Shutdown();
        await _stop.CancelAsync().ConfigureAwait(false);

        // A stream whose actor system terminated first never completes: its end is the system's.
        await Task.WhenAny(Completion, _system.WhenTerminated).ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Each journaled event as (its ordering, the leak event to feed or null for one stepped over).</summary>
    private static Source<(long Ordering, ProjectedEvent? Event), NotUsed> Events(Source<EventEnvelope, NotUsed> envelopes) =>
        envelopes
            .Where(e => e.Offset is Sequence)
            .Select(e =>
            {
                var ordering = ((Sequence)e.Offset).Value;
                return e.Event is LeakEvent leak && QuarantinedEvent.Problem(e.PersistenceId, leak) is null
                    ? (ordering, new ProjectedEvent(e.PersistenceId, e.SequenceNr, ordering, leak))
                    : (ordering, (ProjectedEvent?)null);
            });

    /// <summary>The service of leaks whose opening event is in the journal, read from it: the trends can be ahead of the read model.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> OpenedServicesAsync(SqlReadJournal journal, ActorSystem system, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var opened = await journal.CurrentEventsByPersistenceId(id, 0, long.MaxValue)
                .Select(e => e.Event as LeakOpened)
                .Where(e => e is not null)
                .Take(1)
                .RunWith(Sink.FirstOrDefault<LeakOpened?>(), system.Materializer())
                .WaitAsync(ct).ConfigureAwait(false);
            if (opened is not null)
            {
                services[id] = opened.Service;
            }
        }

        return services;
    }

    private async Task<long> StartAsync(CancellationToken ct)
    {
        var offset = await TrendOffset.StartAsync(_database, _connectionString, ct).ConfigureAwait(false);
        _offset.Reached(offset);
        return offset;
    }

    private async Task<long> FeedAsync(IReadOnlyList<(long Ordering, ProjectedEvent? Event)> batch, ITrendFeed feed, CancellationToken ct)
    {
        var events = batch.Where(e => e.Event is not null).Select(e => e.Event!).ToList();
        if (events.Count > 0)
        {
            await feed.RecordAsync(events, ct).ConfigureAwait(false);
        }

        var ordering = batch.Max(e => e.Ordering);
        await TrendOffset.StoreAsync(_database, _connectionString, ordering, ct).ConfigureAwait(false);
        _offset.Reached(ordering);
        return ordering;
    }
}
