namespace MemGrowth.NodeAgent.Delivery;

/// <summary>What an ack settled in a <see cref="DeliveryPlan"/>, and what it made room for.</summary>
/// <param name="Settled">The detections acknowledged, in order: the outbox forgets them.</param>
/// <param name="Sends">What goes out now that the send's slot is free: the leak's next detections, or those of leaks that waited for a slot.</param>
/// <param name="DeliveredAfterStall">Acks had stalled and nothing is pending any more: the log says once that the receiver is back.</param>
internal sealed record AckOutcome(IReadOnlyList<long> Settled, IReadOnlyList<PlannedSend> Sends, bool DeliveredAfterStall);
