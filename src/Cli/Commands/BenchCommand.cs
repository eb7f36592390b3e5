using System.CommandLine;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth bench`: the end-to-end benchmarks, one subcommand each.</summary>
internal sealed class BenchCommand : Command
{
    public BenchCommand()
        : base("bench", "benchmarks: the agent's overhead, a fleet's ingest rate, the history API's query latency")
    {
        Add(new BenchOverheadCommand());
        Add(new BenchIngestCommand());
        Add(new BenchQueryCommand());
    }
}
