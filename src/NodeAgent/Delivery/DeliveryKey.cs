namespace MemGrowth.NodeAgent.Delivery;

/// <summary>The outbox's delivery actor in the actor registry (<see cref="OutboxDelivery"/>).</summary>
public sealed class DeliveryKey;
