using System.CommandLine;
using MemGrowth.Validation.Runner;
using static MemGrowth.Cli.Commands.OptionParsers;

namespace MemGrowth.Cli.Commands;

/// <summary>`memgrowth validate`: detection quality, the labelled scenario corpus against the real agent (or a recorded run, replayed).</summary>
internal sealed class ValidateCommand : VerbCommand<ValidateOptions>, IHasHelpDetails
{
    private readonly Option<bool> _quick = Flag("--quick", "the CI subset: each quick scenario once (about 2 minutes)");

    private readonly Option<int> _seed = Parsed("--seed", "N", "seed of the randomised rates, periods, noise and delays (default 1; printed)", WholeNumber(0));

    private readonly Option<int> _variants = Parsed("--variants", "N", "draws of each scenario in a full run (default 4)", WholeNumber(1));

    private readonly Option<int> _concurrency = Parsed("--concurrency", "N", "scenario groups running at once (default 12)", WholeNumber(1));

    private readonly Option<string?> _out = Text("--out", "DIR", "output directory (default docs/validation, validation-quick with --quick, validation-replay with --replay)");

    private readonly Option<string?> _replay = Text("--replay", "DIR/traces.jsonl.gz", "score a recorded run offline through this build's classifier (no agent, no root; seconds)");

    private readonly Option<int> _explain = Parsed("--explain", "PID", "with --replay: the assessment after every sample of one process", WholeNumber(1));

    public ValidateCommand()
        : base("validate", "detection quality: the labelled scenario corpus against the real agent")
    {
        foreach (var option in new Option[] { _quick, _seed, _variants, _concurrency, _out, _replay, _explain })
        {
            Add(option);
        }

        Validators.Add(r =>
        {
            if (r.GetResult(_explain) is not null && r.GetResult(_replay) is null)
            {
                r.AddError("--explain needs --replay FILE: it explains a process of a recorded run");
            }
        });
    }

    public string HelpDetails => """
        Runs the labelled scenario corpus against the real agent (eBPF) on this host, scores every process, replays
        the recorded traces for a threshold sweep and the baseline rule, and writes the test report (report.md),
        plots (PNG) and recorded traces (traces.jsonl.gz) to DIR.
        Exit code: 0 when every target holds, 1 when one is missed, 2 for bad arguments, 3 when the probe cannot load.
        """;

    public override ValidateOptions Settings(ParseResult result)
    {
        var quick = result.GetValue(_quick);
        var replay = result.GetValue(_replay);
        var output = result.GetValue(_out) ?? (quick ? "validation-quick" : replay is null ? "docs/validation" : "validation-replay");
        return new ValidateOptions(
            quick, result.Over(_seed, 1), result.Over(_variants, 4), result.Over(_concurrency, 12), output, replay,
            result.GetResult(_explain) is null ? null : result.GetValue(_explain));
    }

    protected override Task<int> RunAsync(ValidateOptions settings, ParseResult result, CancellationToken ct) =>
        ValidationRunner.RunAsync(settings, GivenArguments(result), Console.Out, ct);
}
