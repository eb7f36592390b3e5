using System.CommandLine;
using MemGrowth.Analytics.Node;
using MemGrowth.Cli.Hosting;
using MemGrowth.Shared.Fleet;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth analytics`: an analytics node of a fleet, until Ctrl-C or SIGTERM.</summary>
internal sealed class AnalyticsCommand : VerbCommand<FleetOptions>
{
    private readonly Option<string?> _config = Text("--config", "FILE",
        "fleet settings (default: config/fleet.hocon beside the binary); every key can also be set by the environment variable documented beside it (MEMGROWTH_ANALYTICS_PORT, MEMGROWTH_DATABASE, MEMGROWTH_CONNECTION_STRING, MEMGROWTH_SEED_NODES, ...)");

    public AnalyticsCommand()
        : base("analytics", "an analytics node of a fleet (sharded, journaled leak entities; the history API)")
    {
        Add(_config);
    }

    /// <exception cref="ArgumentException">The fleet config is missing, not HOCON, or has an unknown key or a bad value.</exception>
    public override FleetOptions Settings(ParseResult result) =>
        FleetOptions.Load(result.GetValue(_config) ?? Path.Combine(AppContext.BaseDirectory, "config", "fleet.hocon"));

    protected override Task<int> RunAsync(FleetOptions settings, ParseResult result, CancellationToken ct) => AnalyticsNode.RunAsync(settings, Console.Out, ConsoleLogs.Configure, ct);
}
