using MemGrowth.Cli.Hosting;
using MemGrowth.NodeAgent.Actors;
using MemGrowth.NodeAgent.Agent;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth run`: the standalone node agent, until Ctrl-C, SIGTERM or --duration.</summary>
internal static class RunCommand
{
    /// <param name="configure">Changes to the parsed options (`memgrowth agent` adds its fleet).</param>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct, Func<AgentOptions, AgentOptions>? configure = null)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(AgentOptions.Usage);
            return 0;
        }

        // Logs go to stderr, so stdout carries only detections.
        var options = AgentOptions.Parse(args, Path.Combine(AppContext.BaseDirectory, "config", "memgrowth.hocon"));
        options = configure?.Invoke(options) ?? options;
        using var loggers = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(Environment.GetEnvironmentVariable("MEMGROWTH_LOG") == "debug" ? LogLevel.Debug : LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning));
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
