using Akka.Actor;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Fleet;

/// <summary>
/// The delivery's hand in the cluster actor system: sends each <see cref="DeliverDetection"/> (or batch) through the
/// sharding proxy as itself (a reference the analytics nodes can answer), and passes the acks back to the
/// delivery actor, which lives in the agent's own actor system and outlives this one.
/// </summary>
internal sealed class FleetRelay : ReceiveActor
{
    public FleetRelay(IActorRef proxy, IActorRef delivery)
    {
        Receive<DeliverDetection>(m => proxy.Tell(m, Self));
        Receive<DeliverDetections>(m => proxy.Tell(m, Self));
        Receive<DetectionAck>(a => delivery.Tell(a));
        Receive<DetectionsAck>(a => delivery.Tell(a));
    }

    public static Props Props(IActorRef proxy, IActorRef delivery) => Akka.Actor.Props.Create(() => new FleetRelay(proxy, delivery));
}
