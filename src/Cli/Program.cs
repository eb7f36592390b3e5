using MemGrowth.Analytics.History;
using MemGrowth.Analytics.Node;
using MemGrowth.Cli.Commands;
using MemGrowth.NodeAgent.Agent;
using MemGrowth.NodeAgent.Probe;
using MemGrowth.Tools.Bench;
using MemGrowth.Tools.Workload;
using MemGrowth.Validation.Run;
using MemGrowth.Validation.Runner;
using Microsoft.Extensions.Logging;

namespace MemGrowth.Cli;

internal static class Program
{
    private const string Usage = """
        memgrowth: finds growing (leaking) processes on this host, within seconds.

        usage: memgrowth <command> [options]
          run      watch this host (eBPF on kmem:rss_stat, or --source procfs)   memgrowth run --help
          status   the running agent's counters and the probe's cost per hit
          grow     synthetic memory grower for tests and demos                  memgrowth grow --help
          bench    benchmarks: memgrowth bench overhead|ingest|query --help
          validate detection quality: the labelled scenario corpus against the real agent  memgrowth validate --help
          leaks    the leaks this node recorded (its history survives restarts)   memgrowth leaks --help
          agent    watch this host as part of a fleet: detections go to analytics  memgrowth agent --help
          analytics an analytics node of a fleet (sharded, journaled leak entities) memgrowth analytics --help
        """;

    public static async Task<int> Main(string[] args)
    {
        using var cts = new CancellationTokenSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cts.Cancel(); });
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };

        var command = args.FirstOrDefault();
        var rest = args.Skip(1).ToArray();
        try
        {
            return command switch
            {
                "run" => await RunCommand.RunAsync(rest, cts.Token).ConfigureAwait(false),
                "status" => StatusCommand.Run(rest, Console.Out),
                "grow" => Grower.Run(rest, Console.Out, cts.Token),
                "agent" => await AgentCommand.RunAsync(rest, cts.Token).ConfigureAwait(false),
                "analytics" => await AnalyticsCommand.RunAsync(rest, Console.Out, cts.Token).ConfigureAwait(false),
                "leaks" => await LeaksCommand.RunAsync(rest, Console.Out, cts.Token).ConfigureAwait(false),
                "validate" => await ValidateCommand.RunAsync(rest, Console.Out, cts.Token).ConfigureAwait(false),
                "bench" when rest.FirstOrDefault() == "overhead" => OverheadBenchmark.Run(rest[1..], Console.Out, cts.Token),
                "bench" when rest.FirstOrDefault() == "ingest" => await IngestBenchmark.RunAsync(rest[1..], Console.Out, cts.Token).ConfigureAwait(false),
                "bench" when rest.FirstOrDefault() == "query" => await QueryBenchmark.RunAsync(rest[1..], Console.Out, cts.Token).ConfigureAwait(false),
                null or "help" or "--help" or "-h" => Help(0),
                _ => Help(2),
            };
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync($"memgrowth: {e.Message}").ConfigureAwait(false);
            return 2;
        }
        catch (BenchmarkException e)
        {
            await Console.Error.WriteLineAsync($"memgrowth: {e.Message}").ConfigureAwait(false);
            return 4;
        }
        catch (ProbeException e)
        {
            await Console.Error.WriteLineAsync($"memgrowth: {e.Message}").ConfigureAwait(false);
            return 3;
        }
        catch (DataDirException e)
        {
            await Console.Error.WriteLineAsync($"memgrowth: {e.Message}").ConfigureAwait(false);
            return DataDirException.ExitCode;
        }
    }

    private static int Help(int code)
    {
        (code == 0 ? Console.Out : Console.Error).WriteLine(Usage);
        return code;
    }
}
