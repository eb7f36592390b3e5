using Akka.Actor;
using Akka.Configuration;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Shared.Fleet;

/// <summary>Creates the actor system of a fleet node: cluster settings for its role, our serializer, quiet logs.</summary>
public static class FleetSystem
{
    private const string Quiet = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
        }
        """;

    public static ActorSystem Create(FleetOptions fleet, string role, int port, Config extra)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        var config = ClusterConfig.For(fleet, role, port)
            .WithFallback(ConfigurationFactory.ParseString(MessageSerializer.Config))
            .WithFallback(extra)
            .WithFallback(ConfigurationFactory.ParseString(Quiet));
        return ActorSystem.Create(fleet.ClusterName, config);
    }
}
