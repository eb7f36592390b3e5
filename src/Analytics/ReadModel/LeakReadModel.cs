using Akka.Actor;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>The read model's entry point for the node's wiring: one call after the actor system (with its journal) is up.</summary>
public static class LeakReadModel
{
    /// <summary>
    /// Starts the live projection of <paramref name="system"/>'s journal into read-model tables in the same
    /// database (created if missing), feeding the service trend entities <paramref name="trends"/> (a shard
    /// region or proxy, or a <see cref="Trends.TrendRegion"/>) each batch first, when given. Dispose the result
    /// on shutdown, before terminating the system.
    /// </summary>
    public static LeakProjection Start(ActorSystem system, JournalDatabase database, string connectionString, IActorRef? trends = null)
    {
        var store = new ReadModelStore(database, connectionString);
        return LeakProjection.Start(system, store, trends is null ? null : new TrendFeed(trends, store));
    }
}
