using System.Collections.Concurrent;
using Akka.Actor;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// Feeds the <see cref="TrendProjection"/>'s batches to the trend entities (a shard region, its proxy, or a
/// standalone <see cref="TrendRegion"/>): each service's events, in journal order, asked of its entity in chunks
/// of at most <see cref="MaxEventsPerMessage"/>, services in parallel (at most <see cref="Parallelism"/> at once).
/// The service of a leak is its <see cref="LeakOpened"/>'s when the batch holds it, else its read-model row's
/// when the read model has it, else the opening event's in the journal (<see cref="ServicesOf"/>: the trends
/// may be ahead of the read model); it is remembered for the next batches (a leak's service never changes).
/// An unanswered ask fails the batch (the projection sends it again); events of a leak whose opening is found
/// nowhere (forgotten by the retention) are left out (a trend would ignore them), and so are the samples
/// events carry (a trend reads none).
/// </summary>
public sealed class TrendFeed : ITrendFeed
{
    /// <summary>Keeps a message well under Akka.Remote's default frame (128 kB): a leak event is about 0.5 kB of JSON.</summary>
    public const int MaxEventsPerMessage = 100;

    public const int Parallelism = 16;

    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Leaks whose service is remembered (about 100 bytes each); past it, the memory starts over.</summary>
    private const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, string> _remembered = new(StringComparer.Ordinal);

    private readonly IActorRef _trends;
    private readonly ReadModelStore _store;
    private readonly TimeSpan _timeout;
    private readonly ServicesOf? _opened;

    /// <param name="opened">Finds the service of leaks neither the batch nor the read model says; null for none.</param>
    public TrendFeed(IActorRef trends, ReadModelStore store, TimeSpan? timeout = null, ServicesOf? opened = null)
    {
        ArgumentNullException.ThrowIfNull(trends);
        ArgumentNullException.ThrowIfNull(store);
        _trends = trends;
        _store = store;
        _timeout = timeout ?? DefaultTimeout;
        _opened = opened;
    }

    /// <summary>The service of each of the leaks (by persistence id) it can tell; the others are left out.</summary>
    public delegate Task<IReadOnlyDictionary<string, string>> ServicesOf(IReadOnlyList<string> persistenceIds, CancellationToken ct);

    /// <summary>
    /// The event as a trend journals it: a trend reads no samples, and they were most of each event's bytes
    /// (the trend entity journals what it is fed, and the projection reads that back).
    /// </summary>
    public static LeakEvent WithoutSamples(LeakEvent e) => e switch
    {
        LeakOpened { Samples.Count: > 0 } opened => opened with { Samples = default },
        LeakReported { Samples.Count: > 0 } reported => reported with { Samples = default },
        _ => e,
    };

    /// <summary>
    /// The events a trend needs, in order: a report followed in the batch by another report of its leak (not
    /// a reopening) is left out, since the later one sets every field of the leak it sets (see
    /// <see cref="ServiceTrend.Apply(LeakEvent)"/>) and a leak's reports come in time order. At full ingest
    /// a batch holds a few reports per leak; the trend journals one.
    /// </summary>
    public static IEnumerable<ProjectedEvent> Needed(IEnumerable<ProjectedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events as IReadOnlyList<ProjectedEvent> ?? [.. events];
        var superseded = new bool[list.Count];
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = list.Count - 1; i >= 0; i--)
        {
            var e = list[i];
            if (e.Event is LeakReported { Reopened: false } && next.TryGetValue(e.PersistenceId, out var later) && list[later].Event is LeakReported { Reopened: false })
            {
                superseded[i] = true;
            }

            next[e.PersistenceId] = i;
        }

        return list.Where((_, i) => !superseded[i]);
    }

    public async Task RecordAsync(IReadOnlyList<ProjectedEvent> batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var services = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in batch)
        {
            if (e.Event is LeakOpened opened)
            {
                services[e.PersistenceId] = opened.Service;
            }
            else if (_remembered.TryGetValue(e.PersistenceId, out var service))
            {
                services.TryAdd(e.PersistenceId, service);
            }
        }

        var unknown = batch.Select(e => e.PersistenceId).Where(id => !services.ContainsKey(id)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var (id, service) in await LeakServices.ReadAsync(_store, unknown, ct).ConfigureAwait(false))
        {
            services[id] = service;
        }

        if (_opened is not null && unknown.Where(id => !services.ContainsKey(id)).ToList() is { Count: > 0 } unseen)
        {
            foreach (var (id, service) in await _opened(unseen, ct).ConfigureAwait(false))
            {
                services[id] = service;
            }
        }

        if (_remembered.Count + services.Count > MaxRemembered)
        {
            _remembered.Clear();
        }

        foreach (var (id, service) in services)
        {
            _remembered[id] = service;
        }

        var byService = batch
            .Where(e => services.ContainsKey(e.PersistenceId))
            .GroupBy(e => services[e.PersistenceId], StringComparer.Ordinal)
            .ToList();
        await Parallel.ForEachAsync(byService, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (events, token) =>
        {
            // One service's chunks sent in order, all at once (a trend dedups by sequence number, so a later chunk
            // first would hide an earlier one; messages from here to one entity keep their order), then awaited.
            var acks = Needed(events).Chunk(MaxEventsPerMessage)
                .Select(chunk => _trends.Ask<TrendAck>(new RecordLeakEvents(events.Key, [.. chunk.Select(e => new TrendInput(e.PersistenceId, e.SequenceNr, WithoutSamples(e.Event)))]), _timeout, token))
                .ToList();
            await Task.WhenAll(acks).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
