using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Shared.Fleet;

/// <summary>
/// A fleet member's actor system on a generic host of its own (Akka.Hosting), declared as every node's is
/// (<see cref="MemGrowthAkka"/>): for what joins a cluster and may be downed by it, then joins again with a
/// new one, while the process goes on (a fleet agent's link, the ingest benchmark's producer). A host's
/// actor system lives as long as the host, so a second incarnation needs a second host.
/// </summary>
public sealed class FleetSystem : IAsyncDisposable
{
    private readonly IHost _host;

    private FleetSystem(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
    }

    public ActorSystem System { get; }

    /// <param name="extra">Settings under the node's own (an operator's config file); the node's win.</param>
    public static async Task<FleetSystem> StartAsync(FleetOptions fleet, string role, int port, Config extra, ILoggerFactory loggers, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(loggers);
        CommandLifetime.Use(builder.Services);
        builder.Services.AddAkka(fleet.ClusterName, akka => akka
            .WithMemGrowthBasics()
            .WithFleetMembership(fleet, role, port)
            .AddHocon(extra, HoconAddMode.Append));
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct).ConfigureAwait(false);
            return new FleetSystem(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Leaves the cluster gracefully (the host's stop runs coordinated shutdown), then ends the host.</summary>
    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await System.WhenTerminated.ConfigureAwait(false);
        _host.Dispose();
    }
}
