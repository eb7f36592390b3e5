using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using MemGrowth.Analytics.Api;
using MemGrowth.Analytics.Fleet;
using MemGrowth.Analytics.Persistence;
using MemGrowth.Analytics.ReadModel;
using MemGrowth.Analytics.Trends;
using MemGrowth.Shared.Fleet;

namespace MemGrowth.Analytics.Node;

/// <summary>
/// `memgrowth analytics`: an analytics node of a fleet. Joins the cluster, hosts its share of the sharded
/// leak and service trend entities (journaled in the configured database), serves the history API from the read model (which
/// one analytics node of the fleet, a cluster singleton, projects from the journal), until Ctrl-C or SIGTERM,
/// then leaves gracefully so its shards move at once.
/// </summary>
public static class AnalyticsNode
{
    /// <returns>0 after Ctrl-C or SIGTERM, 4 when the cluster removed this node.</returns>
    public static async Task<int> RunAsync(FleetOptions fleet, TextWriter output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        PortCheck.RequireFree(fleet.Hostname, fleet.AnalyticsPort, "analytics cluster port");
        PortCheck.RequireFree(fleet.ApiBind, fleet.ApiPort, "history API port");
        await DatabaseCheck.RequireAsync(fleet.Database, fleet.ConnectionString, ct).ConfigureAwait(false);
        JournalUpgrade.AddTagsColumn(fleet.Database, fleet.ConnectionString);

        var system = FleetSystem.Create(fleet, LeakShards.AnalyticsRole, fleet.AnalyticsPort, JournalConfig.Load(fleet.Database, fleet.ConnectionString));
        HistoryApi? api = null;
        try
        {
            LeakSharding.StartRegion(system);
            var trends = TrendSharding.StartRegion(system, fleet.Retention);
            system.ActorOf(
                ClusterSingletonManager.Props(
                    ProjectionSingleton.Props(fleet.Database, fleet.ConnectionString, fleet.Retention),
                    PoisonPill.Instance,
                    ClusterSingletonManagerSettings.Create(system).WithRole(LeakShards.AnalyticsRole)),
                "read-model");
            system.ActorOf(
                ClusterSingletonManager.Props(
                    TrendProjectionSingleton.Props(fleet.Database, fleet.ConnectionString, trends),
                    PoisonPill.Instance,
                    ClusterSingletonManagerSettings.Create(system).WithRole(LeakShards.AnalyticsRole)),
                "trend-projection");
            api = await HistoryApi.StartAsync(new ReadModelStore(fleet.Database, fleet.ConnectionString), new TrendQuery(trends), fleet.ApiBind, fleet.ApiPort, fleet.Retention, ct).ConfigureAwait(false);
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            await output.WriteLineAsync($"analytics node at {cluster.SelfAddress}, journal {fleet.Database.ToString().ToLowerInvariant()} ({DatabaseCheck.Redacted(fleet.ConnectionString)}); joining {string.Join(", ", fleet.SeedNodes.Select(s => $"{s.Host}:{s.Port}"))}").ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await up.Task.WaitAsync(ct).ConfigureAwait(false);
                await output.WriteLineAsync($"analytics node up: {cluster.SelfAddress}, history API at {api.Address}").ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                await system.WhenTerminated.WaitAsync(ct).ConfigureAwait(false);

                // Downed by the cluster (cut off from the majority past down-after): a node that has left
                // cannot host shards again; exit so its supervisor (compose, systemd) starts a new one.
                await Console.Error.WriteLineAsync("memgrowth analytics: this node was removed from the cluster (downed after it lost the majority); exiting so it can be restarted").ConfigureAwait(false);
                return 4;
            }
            catch (OperationCanceledException)
            {
            }
        }
        catch (HistoryApiException e)
        {
            throw new ArgumentException(e.Message, e);
        }
        finally
        {
            if (api is not null)
            {
                await api.DisposeAsync().ConfigureAwait(false);
            }

            // Leave the cluster first: the shards hand off to the other analytics nodes instead of waiting to be downed.
            await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
        }

        return 0;
    }
}
