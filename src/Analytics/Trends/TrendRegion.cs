using Akka.Actor;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// The trend entities of a standalone node: one child <see cref="ServiceTrendEntity"/> per service, created
/// on its first message, which is forwarded (the asker gets the ack or the reply). A fleet shards the same
/// entities across analytics nodes instead (<see cref="Fleet.TrendSharding"/>).
/// </summary>
public sealed class TrendRegion : ReceiveActor
{
    public TrendRegion()
    {
        Receive<IWithService>(m => EntityOf(m.Service).Forward(m));
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new TrendRegion());

    private IActorRef EntityOf(string service)
    {
        var name = Uri.EscapeDataString(service);
        var child = Context.Child(name);
        return child.IsNobody() ? Context.ActorOf(ServiceTrendEntity.Props(service), name) : child;
    }
}
