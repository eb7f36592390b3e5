using Akka.Actor;
using MemGrowth.Shared.Settings;

namespace MemGrowth.Analytics.ReadModel;

/// <summary>The read model's entry point for the node's wiring: one call after the actor system (with its journal) is up.</summary>
public static class LeakReadModel
{
    /// <summary>
    /// Starts the live projection of <paramref name="system"/>'s journal into read-model tables in the same
    /// database (created if missing). The service trends follow the journal on their own
    /// (<see cref="Trends.TrendProjection"/>). Drain and dispose the result on shutdown, before terminating the system.
    /// </summary>
    public static LeakProjection Start(ActorSystem system, JournalDatabase database, string connectionString) =>
        LeakProjection.Start(system, new ReadModelStore(database, connectionString));
}
