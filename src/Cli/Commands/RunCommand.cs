using System.CommandLine;
using MemGrowth.Cli.Hosting;
using MemGrowth.NodeAgent.Actors;
using MemGrowth.NodeAgent.Agent;
using Microsoft.Extensions.Logging;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth run`: the standalone node agent, until Ctrl-C, SIGTERM or --duration.</summary>
internal sealed class RunCommand : VerbCommand<AgentOptions>
{
    private readonly RunFlags _flags = new();

    private readonly Option<string?> _dataDir = Text("--data-dir", "DIR", "where the leak history is kept (default /var/lib/memgrowth; \"\" keeps none)");

    // Read in Settings, not by a parser of its own: "" (no API) parses to null, which System.CommandLine takes for no value.
    private readonly Option<string?> _api = Text("--api", "ADDRESS:PORT", "serve the history over HTTP there (default 127.0.0.1:8480; \"\" for no API)");

    public RunCommand()
        : base("run", "watch this host (eBPF on kmem:rss_stat, or --source procfs)")
    {
        foreach (var option in _flags.All)
        {
            Add(option);
        }

        Add(_dataDir);
        Add(_api);
    }

    public override AgentOptions Settings(ParseResult result)
    {
        var options = _flags.Bind(result);
        options = options with
        {
            DataDir = RunFlags.NullIfEmpty(result.Over(_dataDir, options.DataDir)),
            Api = result.GetValue(_api) is { } api ? ApiEndpoint.Parse(api, "--api") : options.Api,
        };
        options.Validate();
        return options;
    }

    protected override Task<int> RunAsync(AgentOptions settings, ParseResult result, CancellationToken ct) => WatchAsync(settings, ct);

    /// <summary>Runs the node agent (standalone, or in a fleet when <paramref name="options"/> has one) until <paramref name="ct"/> or its --duration.</summary>
    public static async Task<int> WatchAsync(AgentOptions options, CancellationToken ct)
    {
        // Logs go to stderr, so stdout carries only detections.
        using var loggers = LoggerFactory.Create(ConsoleLogs.Configure);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (options.Duration is { } duration)
        {
            cts.CancelAfter(duration);
        }

        await using var host = await AgentHost.StartAsync(options, loggers, new HostProcesses(), cts.Token).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }
}
