using Akka.Actor;
using Akka.Event;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>
/// Detections delivered to the leak entities that were not accepted: of no real process (they fail
/// <see cref="DetectionCheck"/>), of another leak than the entity they reached, or unreadable. Never journaled;
/// each is logged (producer, sequence number, reason) and counted, and acknowledged like a duplicate.
/// </summary>
/// <remarks>
/// Acknowledged because the fault is in the record, not in its delivery: sent again, the same bytes are
/// refused again, and an agent delivers a leak's detections in order, so an unacknowledged one would be resent
/// forever and hold back every later detection of its leak (and a batch's good detections with it). The log
/// line is what is left of it once its producer forgets it.
/// </remarks>
public static class DeliveryRefusals
{
    private static long _count;

    /// <summary>Counts and logs one refused detection.</summary>
    public static void Refuse(ILoggingAdapter log, string where, string producer, long seq, string reason)
    {
        ArgumentNullException.ThrowIfNull(log);
        var count = Interlocked.Increment(ref _count);
        log.Warning("{0}: detection {1} of {2} refused, not journaled, acknowledged: {3} ({4} refused since start)", where, seq, producer, reason, count);
    }

    /// <summary>Counts and logs a message that did not read at all (no producer or sequence number to acknowledge).</summary>
    public static void Refuse(ILoggingAdapter log, string where, UnreadableMessage message)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(message);
        var count = Interlocked.Increment(ref _count);
        log.Warning("{0}: a '{1}' message does not read, dropped: {2} ({3} refused since start)", where, message.Manifest, message.Reason, count);
    }

    /// <summary>Why the entity of <paramref name="leak"/> must not journal <paramref name="d"/>, or null when it may.</summary>
    public static string? Problem(LeakId leak, Detection d) =>
        DetectionCheck.Problem(d) ?? (LeakId.Of(d) is var of && of != leak ? $"a detection of {of} delivered to the entity of {leak}" : null);
}

/// <summary>
/// Where deliveries that belong to no leak go (<see cref="LeakMessageExtractor.RefusedEntityId"/>): a
/// detection that fails <see cref="DetectionCheck"/>, a batch whose detections were all refused, a message that
/// did not read. Not persistent: it logs and counts them and acknowledges what can be (<see cref="DeliveryRefusals"/>).
/// </summary>
public sealed class RefusedDeliveries : ReceiveActor
{
    public RefusedDeliveries()
    {
        var log = Context.GetLogger();
        const string where = "refused deliveries";
        Receive<DeliverDetection>(m =>
        {
            DeliveryRefusals.Refuse(log, where, m.Producer, m.Seq, DetectionCheck.Problem(m.Detection) ?? "a detection of no leak");
            Sender.Tell(new DetectionAck(m.Producer, m.Seq));
        });
        Receive<DeliverDetections>(m =>
        {
            foreach (var refused in m.Refused)
            {
                DeliveryRefusals.Refuse(log, where, m.Producer, refused.Seq, refused.Reason);
            }

            for (var i = 0; i < m.Detections.Count; i++)
            {
                DeliveryRefusals.Refuse(log, where, m.Producer, m.DetectionSeqs[i], DetectionCheck.Problem(m.Detections[i]) ?? $"a batch of leak '{m.Leak}', which no process can be");
            }

            Sender.Tell(new DetectionsAck(m.Producer, m.Seqs));
        });
        Receive<Detection>(d => DeliveryRefusals.Refuse(log, where, "this node", 0, DetectionCheck.Problem(d) ?? "a detection of no leak"));
        Receive<UnreadableMessage>(u => DeliveryRefusals.Refuse(log, where, u));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new RefusedDeliveries());
}
