using MemGrowth.NodeAgent.Agent;
using MemGrowth.Shared.Fleet;

namespace MemGrowth.Cli.Commands;

/// <summary>
/// `memgrowth agent`: the node agent of `memgrowth run`, joined to a fleet. Its detections go, through an
/// on-disk outbox and at-least-once delivery, to the sharded leak entities on the analytics nodes.
/// </summary>
internal static class AgentCommand
{
    public const string Usage = """
        usage: memgrowth agent [--fleet-config FILE] [memgrowth run options]
          watch this host as part of a fleet: detect as `memgrowth run` does, and deliver every detection to the
          fleet's analytics nodes (buffered on disk while none is reachable)
          --fleet-config  fleet settings (default: config/fleet.hocon beside the binary; environment variables
                          override them, e.g. MEMGROWTH_SEED_NODES, MEMGROWTH_OUTBOX_DIR)
          the rest as for `memgrowth run` (memgrowth run --help), except --data-dir and --api: a fleet's history
          lives on its analytics nodes
        """;

    public static Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return Task.FromResult(0);
        }

        var path = Path.Combine(AppContext.BaseDirectory, "config", "fleet.hocon");
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--fleet-config")
            {
                path = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"--fleet-config needs a value\n{Usage}");
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        var fleet = FleetOptions.Load(path);
        PortCheck.RequireFree(fleet.Hostname, fleet.AgentPort, "agent cluster port");
        if (rest.FirstOrDefault(a => a is "--data-dir" or "--api") is { } standaloneOnly)
        {
            throw new ArgumentException($"{standaloneOnly} is for a standalone node's history; a fleet agent's history lives on the analytics nodes: drop it");
        }

        // The data directory and API of memgrowth.hocon are the standalone node's: a fleet agent keeps neither.
        return RunCommand.RunAsync([.. rest], ct, options => options with { Fleet = fleet, DataDir = null, Api = null });
    }
}
