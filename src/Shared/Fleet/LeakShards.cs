using Akka.Actor;
using Akka.Cluster.Sharding;

namespace MemGrowth.Shared.Fleet;

/// <summary>
/// The fleet's contract for leak entities: their shard type name, the roles that host them (analytics) and
/// route to them (agents), and the proxy an agent sends through. The analytics role starts the region itself.
/// </summary>
public static class LeakShards
{
    public const string TypeName = "leak";

    /// <summary>The cluster role that hosts leak entities.</summary>
    public const string AnalyticsRole = "analytics";

    /// <summary>The cluster role of node agents (they host nothing, and send through a proxy).</summary>
    public const string AgentRole = "agent";

    public static IActorRef StartProxy(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ClusterSharding.Get(system).StartProxy(TypeName, AnalyticsRole, new LeakMessageExtractor());
    }
}
