using System.Globalization;

namespace MemGrowth.Validation.Runner;

/// <summary>The arguments of <c>memgrowth validate</c>, checked.</summary>
/// <param name="Replay">A recorded run (traces.jsonl.gz) to score offline through today's classifier, instead of a live run.</param>
/// <param name="Explain">With <paramref name="Replay"/>: print the assessment after every sample of this pid.</param>
internal sealed record ValidateOptions(bool Quick, int Seed, int Variants, int Concurrency, string OutputDirectory, string? Replay = null, int? Explain = null)
{
    public const string Usage = """
        usage: memgrowth validate [--quick] [--seed N] [--variants N] [--concurrency N] [--out DIR]
               memgrowth validate --replay DIR/traces.jsonl.gz [--explain PID] [--out DIR]
          runs the labelled scenario corpus against the real agent (eBPF) on this host, scores every process,
          replays the recorded traces for a threshold sweep and the baseline rule, and writes the test report
          (report.md), plots (PNG) and recorded traces (traces.jsonl.gz) to DIR.
          --quick        the CI subset: each quick scenario once (about 2 minutes)
          --seed         seed of the randomised rates, periods, noise and delays (default 1; printed)
          --variants     draws of each scenario in a full run (default 4)
          --concurrency  scenario groups running at once (default 12)
          --out          output directory (default docs/validation, or validation-quick with --quick)
          --replay       score a recorded run offline through this build's classifier (no agent, no root; seconds)
          --explain      with --replay: the assessment after every sample of one process
        exit code: 0 when every target holds, 1 when one is missed, 2 for bad arguments, 3 when the probe cannot load
        """;

    public static ValidateOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool quick = false;
        int seed = 1;
        int? variants = null, concurrency = null;
        string? output = null, replay = null;
        int? explain = null;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--quick":
                    quick = true;
                    break;
                case "--seed":
                    seed = Int(Value(), name, 0);
                    break;
                case "--variants":
                    variants = Int(Value(), name, 1);
                    break;
                case "--concurrency":
                    concurrency = Int(Value(), name, 1);
                    break;
                case "--out":
                    output = Value();
                    break;
                case "--replay":
                    replay = Value();
                    break;
                case "--explain":
                    explain = Int(Value(), name, 1);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{name}' for validate\n{Usage}");
            }
        }

        if (explain is not null && replay is null)
        {
            throw new ArgumentException("--explain needs --replay FILE: it explains a process of a recorded run");
        }

        return new ValidateOptions(quick, seed, variants ?? 4, concurrency ?? 12, output ?? (quick ? "validation-quick" : replay is null ? "docs/validation" : "validation-replay"), replay, explain);
    }

    private static int Int(string text, string name, int minimum) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new ArgumentException($"{name} '{text}' is not a whole number of at least {minimum}");
}
