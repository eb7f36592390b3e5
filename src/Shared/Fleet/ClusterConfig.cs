using System.Globalization;
using Akka.Configuration;

namespace MemGrowth.Shared.Fleet;

/// <summary>
/// The Akka settings of a fleet node: cluster provider over TCP, its role, seeds, the split-brain resolver
/// (keep-majority) that downs a lost node so its shards can move (and a dead agent, so new members can
/// join), and sharding on the analytics role with its state store
/// set explicitly (distributed data, no remembered entities: a leak entity is started again by its next
/// message, and recovers from the journal).
/// </summary>
internal static class ClusterConfig
{
    public static Config For(FleetOptions fleet, string role, int port)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var seeds = string.Join(", ", fleet.SeedNodes.Select(s => Quote($"akka.tcp://{fleet.ClusterName}@{s.Host}:{s.Port}")));
        var publicHost = fleet.PublicHostname ?? fleet.Hostname;
        var hocon = string.Create(CultureInfo.InvariantCulture, $$"""
            akka {
              actor.provider = cluster
              remote.dot-netty.tcp {
                hostname = {{Quote(fleet.Hostname)}}
                public-hostname = {{Quote(publicHost)}}
                port = {{port}}
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = [{{Quote(role)}}]
                min-nr-of-members = 1
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  # The side with more members stays (agents count: in a fleet they far outnumber analytics
                  # nodes, so the side most hosts reach wins). Counting analytics nodes alone ties with
                  # two of them, and keep-oldest downed the survivors when the oldest died (measured).
                  active-strategy = keep-majority
                  stable-after = {{fleet.DownAfter.TotalMilliseconds}}ms
                }
                sharding {
                  role = {{Quote(LeakShards.AnalyticsRole)}}
                  state-store-mode = ddata
                  remember-entities = off
                  passivate-idle-entity-after = {{fleet.PassivateAfter.TotalMilliseconds}}ms
                }
                log-info = off
              }
              coordinated-shutdown.exit-clr = off
            }
            """);
        return ConfigurationFactory.ParseString(hocon);
    }

    /// <summary>
    /// What Akka.Cluster.Hosting's options do not carry: how long the split-brain resolver waits for a stable
    /// view before it downs (down-after), and sharding's role, state store and passivation.
    /// </summary>
    public static Config Tuning(FleetOptions fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        return ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $$"""
            akka.cluster {
              split-brain-resolver.stable-after = {{fleet.DownAfter.TotalMilliseconds}}ms
              sharding {
                role = {{Quote(LeakShards.AnalyticsRole)}}
                state-store-mode = ddata
                remember-entities = off
                passivate-idle-entity-after = {{fleet.PassivateAfter.TotalMilliseconds}}ms
              }
            }
            """));
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
