using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using MemGrowth.Analytics.Fleet;
using MemGrowth.Analytics.Leaks;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Fleet;
using MemGrowth.Shared.Messages;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.Node;

/// <summary>The leak entities' region in the actor registry: sharded on an analytics node, local on a standalone node.</summary>
public sealed class LeakRegionKey;

/// <summary>The service trend entities' region in the actor registry.</summary>
public sealed class TrendRegionKey;

/// <summary>The analytics role's parts, as Akka.Hosting builder extensions: its journal, its entities, its read model.</summary>
public static class AnalyticsAkka
{
    /// <summary>
    /// The journal and snapshot store on <paramref name="database"/> (Akka.Persistence.Sql, tuned: see
    /// <see cref="JournalConfig"/>) with the serializers of what it keeps. HOCON, not Akka.Persistence.Sql.Hosting's
    /// options: those carry no journal class (ours batches), batch size, row-by-row limit, writer parallelism or
    /// breaker reset, each measured (docs/bench/ingest.md).
    /// </summary>
    public static AkkaConfigurationBuilder WithLeakJournal(this AkkaConfigurationBuilder akka, JournalDatabase database, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(akka);
        return akka.AddHocon(JournalConfig.Load(database, connectionString), HoconAddMode.Append);
    }

    /// <summary>
    /// An analytics node of a fleet: its share of the sharded leak and service trend entities, and the journal's
    /// two consumers as cluster singletons (one each per fleet, moved when its node leaves): the read model's
    /// projection, and the trend projection that feeds the trend entities.
    /// </summary>
    public static AkkaConfigurationBuilder WithFleetAnalytics(this AkkaConfigurationBuilder akka, FleetOptions fleet)
    {
        ArgumentNullException.ThrowIfNull(akka);
        ArgumentNullException.ThrowIfNull(fleet);
        var shards = new ShardOptions { Role = LeakShards.AnalyticsRole, RememberEntities = false, StateStoreMode = StateStoreMode.DData };
        return akka
            .WithShardRegion<LeakRegionKey>(
                LeakShards.TypeName,
                id => id == LeakMessageExtractor.RefusedEntityId ? RefusedDeliveries.Props() : LeakEntity.Props(LeakId.Parse(id)),
                new LeakMessageExtractor(),
                shards)
            .WithShardRegion<TrendRegionKey>(
                TrendSharding.TypeName,
                service => ServiceTrendEntity.Props(service, fleet.Retention),
                new TrendMessageExtractor(),
                shards)
            .WithSingleton<ProjectionSingleton>(
                "read-model",
                ProjectionSingleton.Props(fleet.Database, fleet.ConnectionString, fleet.Retention),
                new ClusterSingletonOptions { Role = LeakShards.AnalyticsRole },
                createProxyToo: false)
            .WithSingleton<TrendProjectionSingleton>(
                "trend-projection",
                (_, registry, _) => TrendProjectionSingleton.Props(fleet.Database, fleet.ConnectionString, registry.Get<TrendRegionKey>()),
                new ClusterSingletonOptions { Role = LeakShards.AnalyticsRole },
                createProxyToo: false);
    }

    /// <summary>
    /// A standalone node's analytics: the same leak and trend entities as children of local regions (no
    /// cluster). Its read model is followed by the host (see <see cref="LeakReadModel"/>), which drains it on stop.
    /// </summary>
    public static AkkaConfigurationBuilder WithLocalAnalytics(this AkkaConfigurationBuilder akka, TimeSpan retention)
    {
        ArgumentNullException.ThrowIfNull(akka);
        return akka.WithActors((system, registry) =>
        {
            registry.Register<LeakRegionKey>(system.ActorOf(LeakRegion.Props(), "leaks"));
            registry.Register<TrendRegionKey>(system.ActorOf(TrendRegion.Props(retention), "trends"));
        });
    }
}
