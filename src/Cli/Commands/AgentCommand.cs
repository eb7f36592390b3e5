using System.CommandLine;
using MemGrowth.NodeAgent.Agent;
using MemGrowth.Shared.Fleet;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>
/// `memgrowth agent`: the node agent of `memgrowth run`, joined to a fleet. Its detections go, through an
/// on-disk outbox and at-least-once delivery, to the sharded leak entities on the analytics nodes.
/// </summary>
internal sealed class AgentCommand : VerbCommand<AgentOptions>, IHasHelpDetails
{
    private readonly RunFlags _flags = new();

    private readonly Option<string?> _fleetConfig = Text("--fleet-config", "FILE",
        "fleet settings (default: config/fleet.hocon beside the binary; environment variables override them, e.g. MEMGROWTH_SEED_NODES, MEMGROWTH_OUTBOX_DIR)");

    public AgentCommand()
        : base("agent", "watch this host as part of a fleet: detections go to its analytics nodes")
    {
        Add(_fleetConfig);
        foreach (var option in _flags.All)
        {
            Add(option);
        }

        // Accepted only to be refused with the reason, rather than as options unknown.
        foreach (var standaloneOnly in new[] { "--data-dir", "--api" })
        {
            var option = new Option<string>(standaloneOnly) { Hidden = true };
            option.Validators.Add(r => r.AddError($"{standaloneOnly} is for a standalone node's history; a fleet agent's history lives on the analytics nodes: drop it"));
            Add(option);
        }
    }

    public string HelpDetails => """
        Detects as `memgrowth run` does, and delivers every detection to the fleet's analytics nodes (buffered on
        disk while none is reachable). The options are run's, but --data-dir and --api: a fleet's history lives on
        its analytics nodes.
        """;

    public override AgentOptions Settings(ParseResult result)
    {
        var fleet = FleetOptions.Load(result.GetValue(_fleetConfig) ?? Path.Combine(AppContext.BaseDirectory, "config", "fleet.hocon"));

        // The data directory and API of memgrowth.hocon are the standalone node's: a fleet agent keeps neither.
        var options = _flags.Bind(result) with { Fleet = fleet, DataDir = null, Api = null };
        options.Validate();
        return options;
    }

    protected override Task<int> RunAsync(AgentOptions settings, ParseResult result, CancellationToken ct)
    {
        PortCheck.RequireFree(settings.Fleet!.Hostname, settings.Fleet.AgentPort, "agent cluster port");
        return RunCommand.WatchAsync(settings, ct);
    }
}
