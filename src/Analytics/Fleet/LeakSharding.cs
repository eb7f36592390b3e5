using Akka.Actor;
using Akka.Cluster.Sharding;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Analytics.Fleet;

/// <summary>
/// The sharded leak entities of a fleet, hosted by analytics nodes: one <see cref="LeakEntity"/> per leaking
/// process, moved with its shard when a node leaves; it recovers from the shared journal wherever it lands.
/// Agents route to them through <see cref="LeakShards.StartProxy"/>.
/// </summary>
public static class LeakSharding
{
    public static IActorRef StartRegion(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ClusterSharding.Get(system).Start(
            LeakShards.TypeName,
            id => id == LeakMessageExtractor.RefusedEntityId ? RefusedDeliveries.Props() : LeakEntity.Props(LeakId.Parse(id)),
            ClusterShardingSettings.Create(system).WithRole(LeakShards.AnalyticsRole),
            new LeakMessageExtractor());
    }
}
