using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MemGrowth.Analytics.Api;
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
    public static async Task<int> RunAsync(FleetOptions fleet, TextWriter output, Action<ILoggingBuilder> logging, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        ArgumentNullException.ThrowIfNull(logging);
        PortCheck.RequireFree(fleet.Hostname, fleet.AnalyticsPort, "analytics cluster port");
        PortCheck.RequireFree(fleet.ApiBind, fleet.ApiPort, "history API port");
        await DatabaseCheck.RequireAsync(fleet.Database, fleet.ConnectionString, ct).ConfigureAwait(false);
        JournalUpgrade.AddTagsColumn(fleet.Database, fleet.ConnectionString);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        logging(builder.Logging);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        builder.Services.AddAkka(fleet.ClusterName, akka => akka
            .WithMemGrowthBasics()
            .WithFleetMembership(fleet, LeakShards.AnalyticsRole, fleet.AnalyticsPort)
            .WithLeakJournal(fleet.Database, fleet.ConnectionString)
            .WithFleetAnalytics(fleet));
        using var host = builder.Build();
        HistoryApi? api = null;
        await host.StartAsync(ct).ConfigureAwait(false);
        var system = host.Services.GetRequiredService<ActorSystem>();
        try
        {
            var trends = await ActorRegistry.For(system).GetAsync<TrendRegionKey>(ct).ConfigureAwait(false);
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

            // Leave the cluster first (the host's stop runs coordinated shutdown): the shards hand off to the
            // other analytics nodes instead of waiting to be downed.
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }
}
