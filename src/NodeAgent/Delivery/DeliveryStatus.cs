namespace MemGrowth.NodeAgent.Delivery;

/// <summary>Asks <see cref="OutboxDelivery"/> for its counters; the reply is a <see cref="DeliveryStatus"/>.</summary>
public sealed record GetDeliveryStatus
{
    public static GetDeliveryStatus Instance { get; } = new();
}

/// <summary>What the outbox holds and how delivery goes.</summary>
/// <param name="AckSeconds">Append-to-ack time of every detection acknowledged since the last ask (drained by asking).</param>
/// <param name="WriteFailures">Writes of the outbox log that failed (<see cref="Outbox.WriteFailures"/>).</param>
/// <param name="Quarantined">Records of the log set aside at start (<see cref="Outbox.Quarantined"/>).</param>
/// <param name="CorruptBytes">Corrupt bytes of the log skipped at start (<see cref="Outbox.CorruptBytes"/>).</param>
/// <param name="OutboxFault">Why the log is not written now (pending detections held in memory only), or null.</param>
public sealed record DeliveryStatus(
    int Pending, long PendingBytes, long MaxBytes, int InFlight, long Appended, long Acked, long Resent, long Dropped, double OldestPendingSeconds,
    IReadOnlyList<double> AckSeconds, long WriteFailures = 0, long Quarantined = 0, long CorruptBytes = 0, string? OutboxFault = null);
