using System.Diagnostics;
using Akka.Actor;
using MemGrowth.Shared.Messages;
using Microsoft.Extensions.Logging;

namespace MemGrowth.NodeAgent.Delivery;

/// <summary>Send through <paramref name="Region"/> from now on (a fleet agent that joined the cluster again); what is in flight goes again at once.</summary>
internal sealed record UseRegion(IActorRef Region);

/// <summary>
/// At-least-once delivery of an agent's detections to their sharded leak entities: every detection is
/// first appended to the on-disk <see cref="Outbox"/>, then sent through the sharding proxy, and sent again
/// until its entity acknowledges that it is journaled, as the <see cref="DeliveryPlan"/> decides (one send
/// in flight per leak, in order, batched, a bounded window, a capped back-off). This actor holds the outbox,
/// the route and the timer, and says in the log what the plan and the outbox go through. While no
/// analytics node answers, the agent keeps detecting, the outbox fills (bounded), and the log says so.
/// While the outbox's disk cannot be written, delivery goes on from memory and the log says that too,
/// once when it starts and once when the outbox is written again.
/// </summary>
public sealed class OutboxDelivery : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan TickEvery = TimeSpan.FromSeconds(1);
    private const int MaxOpenReports = 20;

    /// <summary>The default of <c>max-batch</c>, and its most (see <see cref="DeliveryPlan.MaxBatch"/>).</summary>
    internal const int MaxBatch = DeliveryPlan.MaxBatch;

    private readonly Outbox _outbox;
    private IActorRef _region;
    private readonly string _producer;
    private readonly ILogger _logger;
    private readonly string _receiver;
    private readonly DeliveryPlan _plan;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _appended;
    private long _unsynced;
    private bool _faultReported;

    /// <param name="receiver">Who acknowledges, as the log names it: "analytics node" in a fleet, "history journal" standalone.</param>
    /// <param name="maxBatch">Most detections of one leak in one send (1 to <see cref="MaxBatch"/>).</param>
    public OutboxDelivery(Outbox outbox, IActorRef region, string producer, int maxInFlight, TimeSpan resendAfter, ILogger logger, string receiver = "analytics node", int maxBatch = MaxBatch)
    {
        _plan = new DeliveryPlan(maxInFlight, resendAfter, maxBatch);
        _receiver = receiver;
        _outbox = outbox;
        _region = region;
        _producer = producer;
        _logger = logger;

        Receive<Detection>(OnDetection);
        Receive<DetectionAck>(ack => OnAck(ack.Producer, [ack.Seq]));
        Receive<DetectionsAck>(ack => OnAck(ack.Producer, ack.Seqs));
        Receive<UseRegion>(OnUseRegion);
        Receive<Tick>(_ => OnTick());
        Receive<GetDeliveryStatus>(_ => Sender.Tell(Status()));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    // The plan's clock: monotonic, from this actor's start.
    private TimeSpan Now => Stopwatch.GetElapsedTime(_started);

    public static Props Props(Outbox outbox, IActorRef region, string producer, int maxInFlight, TimeSpan resendAfter, ILogger logger, string receiver = "analytics node", int maxBatch = MaxBatch) =>
        Akka.Actor.Props.Create(() => new OutboxDelivery(outbox, region, producer, maxInFlight, resendAfter, logger, receiver, maxBatch));

    protected override void PreStart()
    {
        var now = Now;
        foreach (var seq in _outbox.PendingSeqs.ToList())
        {
            Add(seq, _outbox.Get(seq), now);
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
        Add(seq.Value, detection, Now);
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

    private void Add(long seq, Detection detection, TimeSpan now)
    {
        if (_plan.Add(seq, LeakId.Of(detection).ToString(), _outbox.SizeOf(seq), now) is { } send)
        {
            Tell(send);
        }
    }

    private void Tell(PlannedSend send) => _region.Tell(
        send.Seqs.Count == 1
            ? new DeliverDetection(_producer, send.Seqs[0], _outbox.Get(send.Seqs[0]))
            : DeliverDetections.OfEncoded(_producer, LeakId.Parse(send.Leak), send.Seqs, [.. send.Seqs.Select(_outbox.Encoded)]),
        Self);

    private void OnAck(string producer, IReadOnlyList<long> seqs)
    {
        if (producer != _producer || _plan.Ack(seqs, Now) is not { } outcome)
        {
            return;
        }

        foreach (var seq in outcome.Settled)
        {
            _outbox.Ack(seq); // may rewrite the log, which may fail
        }

        foreach (var send in outcome.Sends)
        {
            Tell(send);
        }

        ReportFault();
        if (outcome.DeliveredAfterStall)
        {
            _logger.LogInformation("{Receiver} acknowledges again: the outbox is delivered", _receiver);
        }
    }

    private void OnUseRegion(UseRegion use)
    {
        _region = use.Region;
        foreach (var send in _plan.ResendAll(Now))
        {
            Tell(send);
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

        var tick = _plan.Tick(Now);
        foreach (var send in tick.Resends)
        {
            Tell(send);
        }

        if (tick.Complain)
        {
            _logger.LogWarning("no {Receiver} acknowledges: {Pending} detections buffered on disk ({Kib} of {MaxKib} KiB), still detecting",
                _receiver, _outbox.PendingCount, _outbox.PendingBytes >> 10, _outbox.MaxBytes >> 10);
        }
    }

    private DeliveryStatus Status() =>
        new(_outbox.PendingCount, _outbox.PendingBytes, _outbox.MaxBytes, _plan.InFlight, _appended, _plan.Acked, _plan.Resent, _outbox.Dropped,
            _plan.OldestPending(Now).TotalSeconds, _plan.TakeAckSeconds(), _outbox.WriteFailures, _outbox.Quarantined, _outbox.CorruptBytes, _outbox.Fault);

    private sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }
}
