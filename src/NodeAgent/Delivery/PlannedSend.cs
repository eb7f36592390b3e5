namespace MemGrowth.NodeAgent.Delivery;

/// <summary>
/// One send <see cref="DeliveryPlan"/> decided on: a leak's oldest pending detections, in order, that go as
/// one message (a <see cref="Shared.Messages.DeliverDetection"/> for one, a <see cref="Shared.Messages.DeliverDetections"/>
/// for more) and are settled only by an ack naming exactly these <paramref name="Seqs"/>.
/// </summary>
/// <param name="Leak">The leak (its <see cref="Shared.Messages.LeakId"/> as text) every detection of the send belongs to.</param>
/// <param name="Seqs">Outbox sequence numbers, oldest first.</param>
internal sealed record PlannedSend(string Leak, IReadOnlyList<long> Seqs);
