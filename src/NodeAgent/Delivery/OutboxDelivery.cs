using System.Diagnostics;
using Akka.Actor;
using MemGrowth.Shared.Messages;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Delivery;

/// <summary>Asks <see cref="OutboxDelivery"/> for its counters; the reply is a <see cref="DeliveryStatus"/>.</summary>
public sealed record GetDeliveryStatus
{
    public static GetDeliveryStatus Instance { get; } = new();
}

/// <summary>Send through <paramref name="Region"/> from now on (a fleet agent that joined the cluster again); what is in flight goes again at once.</summary>
internal sealed record UseRegion(IActorRef Region);

/// <summary>What the outbox holds and how delivery goes.</summary>
/// <param name="AckSeconds">Append-to-ack time of every detection acknowledged since the last ask (drained by asking).</param>
/// <param name="WriteFailures">Writes of the outbox log that failed (<see cref="Outbox.WriteFailures"/>).</param>
/// <param name="Quarantined">Records of the log set aside at start (<see cref="Outbox.Quarantined"/>).</param>
/// <param name="CorruptBytes">Corrupt bytes of the log skipped at start (<see cref="Outbox.CorruptBytes"/>).</param>
/// <param name="OutboxFault">Why the log is not written now (pending detections held in memory only), or null.</param>
public sealed record DeliveryStatus(
    int Pending, long PendingBytes, long MaxBytes, int InFlight, long Appended, long Acked, long Resent, long Dropped, double OldestPendingSeconds,
    IReadOnlyList<double> AckSeconds, long WriteFailures = 0, long Quarantined = 0, long CorruptBytes = 0, string? OutboxFault = null);

/// <summary>
/// At-least-once delivery of an agent's detections to their sharded leak entities: every detection is
/// first appended to the on-disk <see cref="Outbox"/>, then sent through the sharding proxy, and sent again
/// (after <c>resendAfter</c>, then twice as long each time, up to <see cref="MaxResendWait"/>) until its entity acknowledges that it
/// is journaled. A leak has one send in flight at a time, in order (the entity keeps the newest and drops
/// anything older as a duplicate): its oldest detection as a <see cref="DeliverDetection"/>, or, when more
/// wait, up to <see cref="MaxBatch"/> of them (<see cref="MaxBatchBytes"/>) as one <see cref="DeliverDetections"/>,
/// journaled in one write and settled by one ack; at most <c>maxInFlight</c> leaks in flight. While no
/// analytics node answers, the agent keeps detecting, the outbox fills (bounded), and the log says so.
/// While the outbox's disk cannot be written, delivery goes on from memory and the log says that too,
/// once when it starts and once when the outbox is written again.
/// </summary>
public sealed class OutboxDelivery : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan TickEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StalledAfter = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ComplainEvery = TimeSpan.FromSeconds(30);
    private const int MaxLatencySamples = 1 << 20;
    private const int MaxOpenReports = 20;

    /// <summary>
    /// Longest wait for an ack before a send goes again (unless resend-after is longer). An analytics node
    /// or database that was down is reached again within this plus a tick (1 s) of coming back: uncapped,
    /// the doubling reached 48 s, and a recovered cluster waited over a minute for the backlog.
    /// </summary>
    internal static readonly TimeSpan MaxResendWait = TimeSpan.FromSeconds(5);

    /// <summary>Most detections one send carries (the default of <c>max-batch</c>, and its most): a leak's backlog goes in a few writes, each ack settling many.</summary>
    internal const int MaxBatch = 64;

    /// <summary>Most bytes (as journaled) of one batch: well under remoting's 128,000-byte frame.</summary>
    internal const int MaxBatchBytes = 64 << 10;

    private readonly Outbox _outbox;
    private IActorRef _region;
    private readonly string _producer;
    private readonly int _maxInFlight;
    private readonly int _maxBatch;
    private readonly TimeSpan _resendAfter;
    private readonly ILogger _logger;
    private readonly string _receiver;
    private readonly Dictionary<string, Queue<long>> _byLeak = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Send> _inFlight = new();
    private readonly Dictionary<long, long> _appendedAt = new();
    private readonly Queue<string> _waiting = new();
    private readonly HashSet<string> _isWaiting = new(StringComparer.Ordinal);
    private readonly List<double> _ackSeconds = new();
    private long _appended;
    private long _acked;
    private long _resent;
    private long _unsynced;
    private int _inFlightDetections;
    private long _stalledSince = -1;
    private long _complainedAt = long.MinValue;
    private bool _faultReported;

    /// <param name="receiver">Who acknowledges, as the log names it: "analytics node" in a fleet, "history journal" standalone.</param>
    /// <param name="maxBatch">Most detections of one leak in one send (1 to <see cref="MaxBatch"/>).</param>
    public OutboxDelivery(Outbox outbox, IActorRef region, string producer, int maxInFlight, TimeSpan resendAfter, ILogger logger, string receiver = "analytics node", int maxBatch = MaxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBatch, MaxBatch);
        _maxBatch = maxBatch;
        _receiver = receiver;
        _outbox = outbox;
        _region = region;
        _producer = producer;
        _maxInFlight = maxInFlight;
        _resendAfter = resendAfter;
        _logger = logger;

        Receive<Detection>(OnDetection);
        Receive<DetectionAck>(ack => OnAck(ack.Producer, [ack.Seq]));
        Receive<DetectionsAck>(ack => OnAck(ack.Producer, ack.Seqs));
        Receive<UseRegion>(OnUseRegion);
        Receive<Tick>(_ => OnTick());
        Receive<GetDeliveryStatus>(_ => Sender.Tell(Status()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Outbox outbox, IActorRef region, string producer, int maxInFlight, TimeSpan resendAfter, ILogger logger, string receiver = "analytics node", int maxBatch = MaxBatch) =>
        Akka.Actor.Props.Create(() => new OutboxDelivery(outbox, region, producer, maxInFlight, resendAfter, logger, receiver, maxBatch));

    protected override void PreStart()
    {
        var now = Stopwatch.GetTimestamp();
        foreach (var seq in _outbox.PendingSeqs.ToList())
        {
            Enqueue(seq, LeakId.Of(_outbox.Get(seq)).ToString(), now);
        }

        if (_outbox.PendingCount > 0)
        {
            _logger.LogInformation("outbox: {Count} detections ({Bytes} KiB) recovered from disk, delivering", _outbox.PendingCount, _outbox.PendingBytes >> 10);
        }

        if (_outbox.TornBytes > 0)
        {
            _logger.LogWarning("outbox: a torn record ({Bytes} bytes) at the end of the log was dropped (the agent stopped, or its disk failed, mid-write)", _outbox.TornBytes);
        }

        ReportDamage();
        ReportFault();

        Timers.StartPeriodicTimer("tick", Tick.Instance, TickEvery);
    }

    protected override void PostStop()
    {
        _outbox.Dispose();
        if (_outbox.Fault is { } fault)
        {
            _logger.LogError("outbox: cannot write {Dir} ({Fault}) while stopping: {Count} unacknowledged detections may not be delivered after a restart",
                _outbox.DirectoryPath, fault, _outbox.PendingCount);
        }
    }

    // A restart (a bug in this actor) keeps the outbox open: the new instance delivers what it holds.
    protected override void PreRestart(Exception reason, object message)
    {
    }

    private void OnDetection(Detection detection)
    {
        var seq = _outbox.Append(detection);
        if (seq is null)
        {
            if (_outbox.Dropped == 1 || _outbox.Dropped % 1000 == 0)
            {
                _logger.LogWarning("outbox full ({MaxKiB} KiB): {Dropped} detections dropped so far; no {Receiver} has acknowledged for a while",
                    _outbox.MaxBytes >> 10, _outbox.Dropped, _receiver);
            }

            return;
        }

        _appended++;
        _unsynced++;
        ReportFault();
        Enqueue(seq.Value, LeakId.Of(detection).ToString(), Stopwatch.GetTimestamp());
    }

    // Once when the outbox cannot be written (per episode), once when it can again.
    private void ReportFault()
    {
        if (_outbox.Fault is { } fault)
        {
            if (!_faultReported)
            {
                _faultReported = true;
                _logger.LogWarning("outbox: cannot write {Dir} ({Fault}): {Count} detections held in memory, retrying",
                    _outbox.DirectoryPath, fault, _outbox.PendingCount);
            }
        }
        else if (_faultReported)
        {
            _faultReported = false;
            _logger.LogInformation("outbox: {Dir} written again: all {Count} pending detections on disk ({Failures} failed writes so far)",
                _outbox.DirectoryPath, _outbox.PendingCount, _outbox.WriteFailures);
        }
    }

    // What the outbox set aside when it read the log at start: each place, and why.
    private void ReportDamage()
    {
        foreach (var span in _outbox.CorruptAtOpen.Take(MaxOpenReports))
        {
            _logger.LogWarning("outbox: {Bytes} corrupt bytes at offset {Offset} of {Log} skipped (the records around them were kept)", span.Length, span.Offset, _outbox.LogPath);
        }

        foreach (var record in _outbox.QuarantinedAtOpen.Take(MaxOpenReports))
        {
            _logger.LogWarning("outbox: the record at offset {Offset} of {Log} ({Bytes} bytes) is not a detection ({Reason}): moved to {Quarantine}, not delivered",
                record.Offset, _outbox.LogPath, record.Bytes, record.Reason, _outbox.QuarantinePath);
        }

        var more = Math.Max(0, _outbox.CorruptAtOpen.Count - MaxOpenReports) + Math.Max(0, _outbox.QuarantinedAtOpen.Count - MaxOpenReports);
        if (more > 0)
        {
            _logger.LogWarning("outbox: {More} more damaged places in {Log} ({Quarantined} records quarantined, {Corrupt} corrupt bytes in all)",
                more, _outbox.LogPath, _outbox.Quarantined, _outbox.CorruptBytes);
        }
    }

    private void Enqueue(long seq, string leak, long now)
    {
        _appendedAt[seq] = now;
        if (!_byLeak.TryGetValue(leak, out var queue))
        {
            queue = new Queue<long>();
            _byLeak.Add(leak, queue);
        }

        queue.Enqueue(seq);
        if (queue.Count == 1)
        {
            SendHead(leak, queue);
        }
    }

    // Sends the leak's oldest detection, or queues the leak until the in-flight window has room.
    private void SendHead(string leak, Queue<long> queue)
    {
        if (_inFlight.Count >= _maxInFlight)
        {
            if (_isWaiting.Add(leak))
            {
                _waiting.Enqueue(leak);
            }

            return;
        }

        var seqs = new List<long>(Math.Min(queue.Count, _maxBatch));
        var bytes = 0;
        foreach (var seq in queue)
        {
            bytes += _outbox.SizeOf(seq);
            if (seqs.Count == _maxBatch || (seqs.Count > 0 && bytes > MaxBatchBytes))
            {
                break;
            }

            seqs.Add(seq);
        }

        var send = new Send(leak, [.. seqs], Stopwatch.GetTimestamp(), 1);
        _inFlight[send.Seqs[0]] = send;
        _inFlightDetections += send.Seqs.Length;
        Tell(send);
    }

    private void Tell(Send send) => _region.Tell(
        send.Seqs.Length == 1
            ? new DeliverDetection(_producer, send.Seqs[0], _outbox.Get(send.Seqs[0]))
            : DeliverDetections.OfEncoded(_producer, LeakId.Parse(send.Leak), send.Seqs, [.. send.Seqs.Select(_outbox.Encoded)]),
        Self);

    private void OnAck(string producer, IReadOnlyList<long> seqs)
    {
        if (producer != _producer || seqs.Count == 0 || !_inFlight.TryGetValue(seqs[0], out var sent) || !sent.Seqs.AsSpan().SequenceEqual([.. seqs]))
        {
            return;
        }

        _inFlight.Remove(seqs[0]);
        _inFlightDetections -= sent.Seqs.Length;
        var queue = _byLeak[sent.Leak];
        foreach (var seq in sent.Seqs)
        {
            _outbox.Ack(seq); // may rewrite the log, which may fail
            _acked++;
            if (_appendedAt.Remove(seq, out var appendedAt) && _ackSeconds.Count < MaxLatencySamples)
            {
                _ackSeconds.Add(Stopwatch.GetElapsedTime(appendedAt).TotalSeconds);
            }

            queue.Dequeue();
        }

        if (queue.Count == 0)
        {
            _byLeak.Remove(sent.Leak);
        }
        else if (_waiting.Count == 0)
        {
            SendHead(sent.Leak, queue);
        }
        else if (_isWaiting.Add(sent.Leak))
        {
            // Leaks already waiting for a slot go first: a leak with a backlog must not hold the window.
            _waiting.Enqueue(sent.Leak);
        }

        while (_inFlight.Count < _maxInFlight && _waiting.TryDequeue(out var leak))
        {
            _isWaiting.Remove(leak);
            if (_byLeak.TryGetValue(leak, out var waiting) && !_inFlight.ContainsKey(waiting.Peek()))
            {
                SendHead(leak, waiting);
            }
        }

        ReportFault();
        if (_stalledSince >= 0 && _outbox.PendingCount == 0)
        {
            _logger.LogInformation("{Receiver} acknowledges again: the outbox is delivered", _receiver);
            _stalledSince = -1;
        }
    }

    private void OnUseRegion(UseRegion use)
    {
        _region = use.Region;
        var now = Stopwatch.GetTimestamp();
        foreach (var send in _inFlight.Values)
        {
            send.SentAt = now;
            Tell(send);
            _resent += send.Seqs.Length;
        }
    }

    private void OnTick()
    {
        if (_unsynced > 0 || _outbox.Fault is not null)
        {
            _outbox.Sync(); // or, while the disk is bad, try to write the log again
            _unsynced = 0;
            ReportFault();
        }

        var now = Stopwatch.GetTimestamp();
        var late = _inFlight.Values.Where(send => Stopwatch.GetElapsedTime(send.SentAt, now) >= ResendWait(send.Sends)).ToList();
        foreach (var send in late)
        {
            send.SentAt = now;
            send.Sends++;
            Tell(send);
            _resent += send.Seqs.Length;
        }

        if (late.Count > 0 && _stalledSince < 0)
        {
            _stalledSince = now;
        }

        if (_stalledSince >= 0 && Stopwatch.GetElapsedTime(_stalledSince, now) >= StalledAfter
            && (_complainedAt == long.MinValue || Stopwatch.GetElapsedTime(_complainedAt, now) >= ComplainEvery))
        {
            _complainedAt = now;
            _logger.LogWarning("no {Receiver} acknowledges: {Pending} detections buffered on disk ({Kib} of {MaxKib} KiB), still detecting",
                _receiver, _outbox.PendingCount, _outbox.PendingBytes >> 10, _outbox.MaxBytes >> 10);
        }
    }

    /// <summary>
    /// How long a detection sent <paramref name="sends"/> times waits for its ack before the next send:
    /// resend-after, doubling, up to <see cref="MaxResendWait"/> (or resend-after, if longer). A journal that
    /// is only slow (a backlog) is not sent the same work again every second; the cap bounds how long a
    /// database or node that comes back waits for the backlog (it must be reached within 10 s).
    /// </summary>
    internal TimeSpan ResendWait(int sends)
    {
        var cap = _resendAfter > MaxResendWait ? _resendAfter : MaxResendWait;
        var doubled = _resendAfter * (1 << Math.Clamp(sends - 1, 0, 16));
        return doubled < cap ? doubled : cap;
    }

    private DeliveryStatus Status()
    {
        var oldest = _outbox.OldestSeq is { } first ? Stopwatch.GetElapsedTime(_appendedAt[first]).TotalSeconds : 0;
        var latencies = _ackSeconds.ToArray();
        _ackSeconds.Clear();
        return new DeliveryStatus(_outbox.PendingCount, _outbox.PendingBytes, _outbox.MaxBytes, _inFlightDetections, _appended, _acked, _resent, _outbox.Dropped, oldest, latencies,
            _outbox.WriteFailures, _outbox.Quarantined, _outbox.CorruptBytes, _outbox.Fault);
    }

    /// <summary>One leak's detections in flight (its oldest pending ones, in order), sent <see cref="Sends"/> times.</summary>
    private sealed class Send(string leak, long[] seqs, long sentAt, int sends)
    {
        public string Leak { get; } = leak;

        public long[] Seqs { get; } = seqs;

        public long SentAt { get; set; } = sentAt;

        public int Sends { get; set; } = sends;
    }

    private sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }
}
