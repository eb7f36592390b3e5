using Akka.Actor;
using Akka.Cluster.Sharding;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Fleet;

namespace MemGrowth.Analytics.Fleet;

/// <summary>
/// The sharded trend entities of a fleet, one <see cref="ServiceTrendEntity"/> per service key, hosted by
/// analytics nodes beside the leak entities (<see cref="StartRegion"/>). Fed by the trend projection (<see cref="TrendProjectionSingleton"/>),
/// asked by the history API.
/// </summary>
public static class TrendSharding
{
    public const string TypeName = "trend";

    /// <param name="retention">How long a closed leak stays in a trend (the default retention unless given).</param>
    public static IActorRef StartRegion(ActorSystem system, TimeSpan? retention = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ClusterSharding.Get(system).Start(
            TypeName,
            service => ServiceTrendEntity.Props(service, retention),
            ClusterShardingSettings.Create(system).WithRole(LeakShards.AnalyticsRole),
            new TrendMessageExtractor());
    }
}
