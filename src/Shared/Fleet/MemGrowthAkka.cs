using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Shared.Fleet;

/// <summary>
/// What every MemGrowth actor system is built with, as Akka.Hosting builder extensions (one per concern):
/// our serializer with its stable identifiers, Akka's logs through Microsoft.Extensions.Logging at warning
/// and above, and for a fleet node its remoting and cluster membership. The roles add their own parts
/// (journal, regions, projection, agent actors) beside these.
/// </summary>
public static class MemGrowthAkka
{
    private const string Quiet = """
        akka {
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
        }
        """;

    /// <summary>
    /// The command stops its host in order on SIGTERM or Ctrl-C (detections drained, projections caught up,
    /// the cluster left, then coordinated shutdown): Akka's own hook on the process's exit ran coordinated
    /// shutdown first, and the stop found its actors gone.
    /// </summary>
    private const string StoppedByTheCommand = """
        akka.coordinated-shutdown {
          exit-clr = off
          run-by-clr-shutdown-hook = off
        }
        """;

    /// <summary>The messages' serializer (wire and journal: its identifiers must never change) and quiet logs through the host's logger factory.</summary>
    public static AkkaConfigurationBuilder WithMemGrowthBasics(this AkkaConfigurationBuilder akka)
    {
        ArgumentNullException.ThrowIfNull(akka);
        return akka
            .AddHocon(ConfigurationFactory.ParseString(MessageSerializer.Config), HoconAddMode.Prepend)
            .AddHocon(ConfigurationFactory.ParseString(StoppedByTheCommand), HoconAddMode.Prepend)
            .AddHocon(ConfigurationFactory.ParseString(Quiet), HoconAddMode.Append)
            .ConfigureLoggers(logs =>
            {
                logs.LogLevel = Akka.Event.LogLevel.WarningLevel;
                logs.ClearLoggers();
                logs.AddLoggerFactory();
            });
    }

    /// <summary>
    /// A fleet node: remoting on <paramref name="port"/>, membership in <paramref name="role"/> through the
    /// seed nodes, the split-brain resolver (keep-majority) that downs a lost node so its shards can move
    /// (and a dead agent, so new members can join), and sharding on the analytics role (distributed data,
    /// no remembered entities: a leak entity is started again by its next message and recovers from the journal).
    /// </summary>
    public static AkkaConfigurationBuilder WithFleetMembership(this AkkaConfigurationBuilder akka, FleetOptions fleet, string role, int port)
    {
        ArgumentNullException.ThrowIfNull(akka);
        ArgumentNullException.ThrowIfNull(fleet);
        return akka
            .WithRemoting(new RemoteOptions
            {
                HostName = fleet.Hostname,
                PublicHostName = fleet.PublicHostname ?? fleet.Hostname,
                Port = port,
            })
            .WithClustering(new ClusterOptions
            {
                Roles = [role],
                SeedNodes = [.. fleet.SeedNodes.Select(s => $"akka.tcp://{fleet.ClusterName}@{s.Host}:{s.Port}")],
                MinimumNumberOfMembers = 1,
                LogInfo = false,
                // The side with more members stays (agents count: in a fleet they far outnumber analytics
                // nodes, so the side most hosts reach wins). Counting analytics nodes alone ties with two
                // of them, and keep-oldest downed the survivors when the oldest died (measured).
                SplitBrainResolver = new KeepMajorityOption(),
            })
            .AddHocon(ClusterConfig.Tuning(fleet), HoconAddMode.Prepend);
    }
}
