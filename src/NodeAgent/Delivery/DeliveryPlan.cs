using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Delivery;

/// <summary>
/// Pure: which of an agent's pending detections go to their leak entities, when, and how many at once.
/// A leak has one send in flight at a time, in order (the entity keeps the newest and drops anything older
/// as a duplicate): its oldest detection, or, when more wait, up to <c>maxBatch</c> of them
/// (<see cref="MaxBatchBytes"/>) in one send, journaled in one write and settled by one ack; at most
/// <c>maxInFlight</c> leaks in flight, and a leak that finds the window full waits its turn. A send not
/// acknowledged goes again after <c>resendAfter</c>, then twice as long each time, up to
/// <see cref="MaxResendWait"/>.
/// <para>
/// No clock, no I/O, no actor: time comes in as a parameter (any monotonic origin), what to send comes out
/// as <see cref="PlannedSend"/>s, and the <see cref="OutboxDelivery"/> actor around it appends to and acks
/// the outbox, tells the sharding region, and logs. Each input (<see cref="Add"/>, <see cref="Ack"/>,
/// <see cref="Tick"/>, <see cref="ResendAll"/>) updates the plan and returns what it decided; the caller
/// carries that out and never reaches into the plan. Its queues are mutable but held inside: an immutable
/// copy per detection would cost the agent allocations at every one of thousands a second.
/// </para>
/// </summary>
internal sealed class DeliveryPlan
{
    /// <summary>
    /// Longest wait for an ack before a send goes again (unless resend-after is longer). An analytics node
    /// or database that was down is reached again within this plus a tick (1 s) of coming back: uncapped,
    /// the doubling reached 48 s, and a recovered cluster waited over a minute for the backlog.
    /// </summary>
    internal static readonly TimeSpan MaxResendWait = TimeSpan.FromSeconds(5);

    /// <summary>Most detections one send carries (the default of <c>max-batch</c>, and its most): a leak's backlog goes in a few writes, each ack settling many.</summary>
    internal const int MaxBatch = DeliverDetections.MostDetections;

    /// <summary>Most bytes (as journaled) of one batch: well under remoting's 128,000-byte frame.</summary>
    internal const int MaxBatchBytes = 64 << 10;

    /// <summary>A stall (from a resend until nothing is pending) this long is worth a warning; one slow ack is not.</summary>
    internal static readonly TimeSpan StalledAfter = TimeSpan.FromSeconds(10);

    /// <summary>How often a stall that goes on is said again.</summary>
    internal static readonly TimeSpan ComplainEvery = TimeSpan.FromSeconds(30);

    /// <summary>Ack latencies kept until asked for: bounded, should no one ask.</summary>
    private const int MaxLatencySamples = 1 << 20;

    private readonly int _maxInFlight;
    private readonly int _maxBatch;
    private readonly TimeSpan _resendAfter;
    private readonly Dictionary<string, Queue<Queued>> _byLeak = new(StringComparer.Ordinal);
    private readonly Dictionary<long, InFlightSend> _inFlight = new(); // by the send's first sequence number
    private readonly Queue<string> _waiting = new();
    private readonly HashSet<string> _isWaiting = new(StringComparer.Ordinal);
    private readonly List<double> _ackSeconds = new();
    private TimeSpan? _stalledSince;
    private TimeSpan? _complainedAt;

    /// <param name="maxInFlight">Most leaks with a send in flight.</param>
    /// <param name="resendAfter">First wait for an ack before a send goes again.</param>
    /// <param name="maxBatch">Most detections of one leak in one send (1 to <see cref="MaxBatch"/>).</param>
    public DeliveryPlan(int maxInFlight, TimeSpan resendAfter, int maxBatch = MaxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatch, MaxBatch);
        _maxInFlight = maxInFlight;
        _resendAfter = resendAfter;
        _maxBatch = maxBatch;
    }

    /// <summary>Detections added and not yet acknowledged.</summary>
    public int Pending { get; private set; }

    /// <summary>Detections in flight (a batch counts each of its detections).</summary>
    public int InFlight { get; private set; }

    /// <summary>Detections acknowledged.</summary>
    public long Acked { get; private set; }

    /// <summary>Detections sent again (a batch counts each of its detections, each time).</summary>
    public long Resent { get; private set; }

    /// <summary>
    /// A detection of <paramref name="leak"/> to deliver, <paramref name="bytes"/> long as journaled (appended,
    /// or recovered from the log at start), behind every earlier one of its leak. The send to make now, or
    /// null when the leak already has one in flight or waits for room in the window.
    /// </summary>
    public PlannedSend? Add(long seq, string leak, int bytes, TimeSpan now)
    {
        if (!_byLeak.TryGetValue(leak, out var queue))
        {
            queue = new Queue<Queued>();
            _byLeak.Add(leak, queue);
        }

        queue.Enqueue(new Queued(seq, bytes, now));
        Pending++;
        if (queue.Count > 1)
        {
            return null;
        }

        if (_inFlight.Count >= _maxInFlight)
        {
            Wait(leak);
            return null;
        }

        return SendHead(leak, queue, now);
    }

    /// <summary>
    /// The receiver acknowledged <paramref name="seqs"/> (journaled them, found them duplicates, or refused
    /// them: to the agent all three settle them). Null when they are not exactly one send in flight (another
    /// producer's, unknown, repeated, or part of a batch): that settles nothing.
    /// </summary>
    public AckOutcome? Ack(IReadOnlyList<long> seqs, TimeSpan now)
    {
        if (seqs.Count == 0 || !_inFlight.TryGetValue(seqs[0], out var sent) || !sent.Send.Seqs.SequenceEqual(seqs))
        {
            return null;
        }

        var leak = sent.Send.Leak;
        _inFlight.Remove(seqs[0]);
        InFlight -= sent.Send.Seqs.Count;
        var queue = _byLeak[leak];
        for (var i = 0; i < sent.Send.Seqs.Count; i++)
        {
            var acked = queue.Dequeue();
            Pending--;
            Acked++;
            if (_ackSeconds.Count < MaxLatencySamples)
            {
                _ackSeconds.Add((now - acked.AddedAt).TotalSeconds);
            }
        }

        var sends = new List<PlannedSend>();
        if (queue.Count == 0)
        {
            _byLeak.Remove(leak);
        }
        else if (_waiting.Count == 0)
        {
            sends.Add(SendHead(leak, queue, now));
        }
        else
        {
            // Leaks already waiting for a slot go first: a leak with a backlog must not hold the window.
            Wait(leak);
        }

        while (_inFlight.Count < _maxInFlight && _waiting.TryDequeue(out var next))
        {
            _isWaiting.Remove(next);
            if (_byLeak.TryGetValue(next, out var waiting) && !_inFlight.ContainsKey(waiting.Peek().Seq))
            {
                sends.Add(SendHead(next, waiting, now));
            }
        }

        var delivered = _stalledSince is not null && Pending == 0;
        if (delivered)
        {
            _stalledSince = null;
        }

        return new AckOutcome(sent.Send.Seqs, sends, delivered);
    }

    /// <summary>
    /// Called about every second: the sends whose ack is overdue go again (each then waits longer), and
    /// whether a stall has gone on long enough to say so.
    /// </summary>
    public TickOutcome Tick(TimeSpan now)
    {
        var late = _inFlight.Values.Where(sent => now - sent.SentAt >= ResendWait(sent.Sends)).ToList();
        foreach (var sent in late)
        {
            sent.SentAt = now;
            sent.Sends++;
            Resent += sent.Send.Seqs.Count;
        }

        if (late.Count > 0 && _stalledSince is null)
        {
            _stalledSince = now;
        }

        var complain = _stalledSince is { } since && now - since >= StalledAfter
            && (_complainedAt is not { } said || now - said >= ComplainEvery);
        if (complain)
        {
            _complainedAt = now;
        }

        return new TickOutcome([.. late.Select(sent => sent.Send)], complain);
    }

    /// <summary>
    /// Everything in flight, to send again at once (through a new route to the receivers, whose old one may
    /// have lost it); each waits its current wait again from <paramref name="now"/>, no longer.
    /// </summary>
    public IReadOnlyList<PlannedSend> ResendAll(TimeSpan now)
    {
        foreach (var sent in _inFlight.Values)
        {
            sent.SentAt = now;
            Resent += sent.Send.Seqs.Count;
        }

        return [.. _inFlight.Values.Select(sent => sent.Send)];
    }

    /// <summary>
    /// How long a send made <paramref name="sends"/> times waits for its ack before the next: resend-after,
    /// doubling, up to <see cref="MaxResendWait"/> (or resend-after, if longer). A journal that is only slow
    /// (a backlog) is not sent the same work again every second; the cap bounds how long a database or node
    /// that comes back waits for the backlog (it must be reached within 10 s).
    /// </summary>
    public TimeSpan ResendWait(int sends)
    {
        var cap = _resendAfter > MaxResendWait ? _resendAfter : MaxResendWait;
        var doubled = _resendAfter * (1 << Math.Clamp(sends - 1, 0, 16));
        return doubled < cap ? doubled : cap;
    }

    /// <summary>How long the oldest pending detection has waited (zero when none does).</summary>
    public TimeSpan OldestPending(TimeSpan now) =>
        _byLeak.Count == 0 ? TimeSpan.Zero : now - _byLeak.Values.Min(queue => queue.Peek().AddedAt);

    /// <summary>Added-to-ack time, in seconds, of every detection acknowledged since the last call.</summary>
    public IReadOnlyList<double> TakeAckSeconds()
    {
        var seconds = _ackSeconds.ToArray();
        _ackSeconds.Clear();
        return seconds;
    }

    private void Wait(string leak)
    {
        if (_isWaiting.Add(leak))
        {
            _waiting.Enqueue(leak);
        }
    }

    // The leak's oldest detections, as many as one send may carry, put in flight (the window has room).
    private PlannedSend SendHead(string leak, Queue<Queued> queue, TimeSpan now)
    {
        var seqs = new List<long>(Math.Min(queue.Count, _maxBatch));
        var bytes = 0;
        foreach (var pending in queue)
        {
            bytes += pending.Bytes;
            if (seqs.Count == _maxBatch || (seqs.Count > 0 && bytes > MaxBatchBytes))
            {
                break;
            }

            seqs.Add(pending.Seq);
        }

        var send = new PlannedSend(leak, [.. seqs]);
        _inFlight[seqs[0]] = new InFlightSend(send, now);
        InFlight += seqs.Count;
        return send;
    }

    /// <summary>A detection waiting in its leak's queue: its size decides the batch, its age the latency.</summary>
    private readonly record struct Queued(long Seq, int Bytes, TimeSpan AddedAt);

    /// <summary>A send awaiting its ack: when it last went, and how many times it has.</summary>
    private sealed class InFlightSend(PlannedSend send, TimeSpan sentAt)
    {
        public PlannedSend Send { get; } = send;

        public TimeSpan SentAt { get; set; } = sentAt;

        public int Sends { get; set; } = 1;
    }
}
