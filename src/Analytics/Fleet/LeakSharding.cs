using Akka.Actor;
using Akka.Cluster.Sharding;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Fleet;

/// <summary>
/// The sharded leak entities of a fleet: analytics nodes host them (<see cref="StartRegion"/>), agents only
/// route to them (<see cref="StartProxy"/>). One <see cref="LeakEntity"/> per leaking process, moved with its
/// shard when a node leaves; it recovers from the shared journal wherever it lands.
/// </summary>
public static class LeakSharding
{
    public const string TypeName = "leak";

    /// <summary>The cluster role that hosts leak entities.</summary>
    public const string AnalyticsRole = "analytics";

    /// <summary>The cluster role of node agents (they host nothing, and send through a proxy).</summary>
    public const string AgentRole = "agent";

    public static IActorRef StartRegion(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ClusterSharding.Get(system).Start(
            TypeName,
            id => id == LeakMessageExtractor.RefusedEntityId ? RefusedDeliveries.Props() : LeakEntity.Props(LeakId.Parse(id)),
            ClusterShardingSettings.Create(system).WithRole(AnalyticsRole),
            new LeakMessageExtractor());
    }

    public static IActorRef StartProxy(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ClusterSharding.Get(system).StartProxy(TypeName, AnalyticsRole, new LeakMessageExtractor());
    }
}
