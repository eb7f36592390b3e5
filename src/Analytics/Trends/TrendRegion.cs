using Akka.Actor;

namespace MemGrowth.Analytics.Trends;

/// <summary>
/// The trend entities of a standalone node: one child <see cref="ServiceTrendEntity"/> per service, created
/// on its first message, which is forwarded (the asker gets the ack or the reply). A fleet shards the same
/// entities across analytics nodes instead (<see cref="Fleet.TrendSharding"/>).
/// </summary>
public sealed class TrendRegion : ReceiveActor
{
    private readonly TimeSpan? _retention;

    public TrendRegion(TimeSpan? retention)
    {
        _retention = retention;
        Receive<IWithService>(m => EntityOf(m.Service).Forward(m));
    }

    /// <param name="retention">How long a closed leak stays in a trend (the default retention unless given).</param>
    public static Props Props(TimeSpan? retention = null) => Akka.Actor.Props.Create(() => new TrendRegion(retention));

    private IActorRef EntityOf(string service)
    {
        var name = Uri.EscapeDataString(service);
        var child = Context.Child(name);
        return child.IsNobody() ? Context.ActorOf(ServiceTrendEntity.Props(service, _retention), name) : child;
    }
}
