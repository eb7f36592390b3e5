using System.Globalization;
using Akka.Configuration;

namespace MemGrowth.Shared.Fleet;

/// <summary>The fleet's cluster settings that Akka.Cluster.Hosting's options do not carry (see <see cref="MemGrowthAkka.WithFleetMembership"/>).</summary>
internal static class ClusterConfig
{
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
