using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
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

        var store = new ReadModelStore(fleet.Database, fleet.ConnectionString);
        await store.InitializeAsync(ct).ConfigureAwait(false);
        var bind = HistoryApiServer.ParseBind(fleet.ApiBind);

        // One host: the actor system (Akka.Hosting) and the history API (Kestrel) start and stop together.
        // The empty builder: no configuration read from the working directory or ASPNETCORE_* variables.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        logging(builder.Logging);
        builder.AddHistoryApi(bind, fleet.ApiPort);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(60));
        CommandLifetime.Use(builder.Services);
        builder.Services.AddAkka(fleet.ClusterName, akka => akka
            .WithMemGrowthBasics()
            .WithFleetMembership(fleet, LeakShards.AnalyticsRole, fleet.AnalyticsPort)
            .WithLeakJournal(fleet.Database, fleet.ConnectionString)
            .WithFleetAnalytics(fleet));
        await using var host = builder.Build();
        var trends = host.Services.GetRequiredService<IRequiredActor<TrendRegionKey>>();
        host.MapHistoryApi(store, new TrendQuery(trends.GetAsync), fleet.Retention);
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (HistoryApiServer.ListenFailure(e, bind, fleet.ApiPort) is { } failure)
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw new ArgumentException(failure.Message, failure);
        }

        var system = host.Services.GetRequiredService<ActorSystem>();
        try
        {
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());
            await output.WriteLineAsync($"analytics node at {cluster.SelfAddress}, journal {fleet.Database.ToString().ToLowerInvariant()} ({DatabaseCheck.Redacted(fleet.ConnectionString)}); joining {string.Join(", ", fleet.SeedNodes.Select(s => $"{s.Host}:{s.Port}"))}").ConfigureAwait(false);
            await output.FlushAsync(ct).ConfigureAwait(false);
            try
            {
                await up.Task.WaitAsync(ct).ConfigureAwait(false);
                await output.WriteLineAsync($"analytics node up: {cluster.SelfAddress}, history API at {host.ListeningAddress(bind)}").ConfigureAwait(false);
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
        finally
        {
            // Leave the cluster first (the host's stop runs coordinated shutdown): the shards hand off to the
            // other analytics nodes instead of waiting to be downed. The API stops with it.
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return 0;
    }
}
