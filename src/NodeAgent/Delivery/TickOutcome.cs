namespace MemGrowth.NodeAgent.Delivery;

/// <summary>What a <see cref="DeliveryPlan"/> decided when asked about the time.</summary>
/// <param name="Resends">Sends whose ack is overdue, to go again as they went (each now waits longer, see <see cref="DeliveryPlan.ResendWait"/>).</param>
/// <param name="Complain">
/// Acks have stalled for <see cref="DeliveryPlan.StalledAfter"/> and the log has not said so for
/// <see cref="DeliveryPlan.ComplainEvery"/>: it says so now.
/// </param>
internal sealed record TickOutcome(IReadOnlyList<PlannedSend> Resends, bool Complain);
