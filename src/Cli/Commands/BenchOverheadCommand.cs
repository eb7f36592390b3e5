using System.CommandLine;
using MemGrowth.Tools.Bench;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth bench overhead`: what the agent costs the host, end to end.</summary>
internal sealed class BenchOverheadCommand : VerbCommand<BenchOptions>, IHasHelpDetails
{
    private readonly Option<double> _stormGib = Parsed("--storm-gib", "N", "size of the page-fault storm, GiB (default 2)", PositiveNumber);

    private readonly Option<int> _repeats = Parsed("--repeats", "N", "storms per side, without and with the agent (default 7)", WholeNumber(1));

    private readonly Option<int> _growers = Parsed("--growers", "N", "synthetic growers for the agent-cost part (default 100)", WholeNumber(1));

    private readonly Option<int> _idle = Parsed("--idle", "N", "idle processes for the bpf-vs-procfs part (default 1000)", WholeNumber(0));

    private readonly Option<int> _measureSeconds = Parsed("--measure-seconds", "N", "how long each agent's CPU is measured, seconds (default 30)", WholeSeconds(1));

    private readonly Option<string?> _out = Text("--out", "PATH", "also write the Markdown report here");

    private readonly Option<string?> _agent = Text("--agent", "PATH", "the memgrowth executable to start (default: this one)");

    public BenchOverheadCommand()
        : base("overhead", "what the agent costs the host (as root: it loads the probe and sets kernel.bpf_stats_enabled)")
    {
        foreach (var option in new Option[] { _stormGib, _repeats, _growers, _idle, _measureSeconds, _out, _agent })
        {
            Add(option);
        }
    }

    public string HelpDetails => """
        Page-fault storms without and with the agent, the probe's cost per hit, hits vs events, then the agent's
        CPU with growers and with idle processes (bpf vs procfs). Prints the Markdown report.
        """;

    public override BenchOptions Settings(ParseResult result)
    {
        var d = new BenchOptions();
        return d with
        {
            StormGib = result.Over(_stormGib, d.StormGib),
            Repeats = result.Over(_repeats, d.Repeats),
            Growers = result.Over(_growers, d.Growers),
            Idle = result.Over(_idle, d.Idle),
            MeasureSeconds = result.Over(_measureSeconds, d.MeasureSeconds),
            OutPath = result.GetValue(_out),
            AgentPath = result.GetValue(_agent),
        };
    }

    protected override Task<int> RunAsync(BenchOptions settings, ParseResult result, CancellationToken ct) =>
        Task.FromResult(OverheadBenchmark.Run(settings, GivenArguments(result), Console.Out, ct));
}
