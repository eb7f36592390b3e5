using Akka.Actor;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Leaks;

/// <summary>
/// The leak entities of a standalone node: one child <see cref="LeakEntity"/> per leak, created on its first
/// message. Detections told to it are fire-and-forget (the entity's acks end here); a <see cref="DeliverDetection"/>
/// or <see cref="DeliverDetections"/> and <see cref="GetLeak"/> are forwarded, so the sender gets the ack or the reply. A fleet shards the same entities across analytics nodes instead.
/// An entity idle for <see cref="StopWhenIdle"/> is stopped, as sharding passivates (a message to it meanwhile is
/// lost and sent again by the delivery): a node's entities are its leaks of the last minutes, not of its whole history.
/// </summary>
public sealed class LeakRegion : ReceiveActor
{
    /// <summary>The fleet's default passivate-after.</summary>
    public static readonly TimeSpan StopWhenIdle = TimeSpan.FromMinutes(2);

    private readonly TimeSpan _stopWhenIdle;

    public LeakRegion(TimeSpan stopWhenIdle)
    {
        _stopWhenIdle = stopWhenIdle;
        Receive<Detection>(d => EntityOf(d).Tell(d, Self));
        Receive<DeliverDetection>(m => EntityOf(m).Forward(m));
        Receive<DeliverDetections>(m => EntityOf(m).Forward(m));
        Receive<OomKill>(k => EntityOf(k.Leak).Tell(k, Self));
        Receive<GetLeak>(g => EntityOf(g.Leak).Forward(g));
        Receive<UnreadableMessage>(u => EntityOf(u).Forward(u));
        Receive<LeakAck>(_ => { });
    }

    /// <param name="stopWhenIdle">How long an entity may go without a message before it is stopped (<see cref="StopWhenIdle"/> unless given).</param>
    public static Props Props(TimeSpan? stopWhenIdle = null)
    {
        var idle = stopWhenIdle ?? StopWhenIdle;
        return Akka.Actor.Props.Create(() => new LeakRegion(idle));
    }

    /// <summary>The entity the fleet's sharding would route <paramref name="message"/> to: its leak's, or the refused deliveries'.</summary>
    private IActorRef EntityOf(object message)
    {
        var id = LeakMessageExtractor.EntityIdOf(message) ?? LeakMessageExtractor.RefusedEntityId;
        if (id != LeakMessageExtractor.RefusedEntityId)
        {
            return EntityOf(LeakId.Parse(id));
        }

        var child = Context.Child(id);
        return child.IsNobody() ? Context.ActorOf(RefusedDeliveries.Props(), id) : child;
    }

    private IActorRef EntityOf(LeakId leak)
    {
        var name = Uri.EscapeDataString(leak.ToString());
        var child = Context.Child(name);
        return child.IsNobody() ? Context.ActorOf(LeakEntity.Props(leak, _stopWhenIdle), name) : child;
    }
}
