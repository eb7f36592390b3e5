namespace MemGrowth.Validation.Runner;

/// <summary>What <c>memgrowth validate</c> is told (the executable's validate command parses and checks it).</summary>
/// <param name="Quick">The CI subset: each quick scenario once.</param>
/// <param name="Seed">Seeds the randomised rates, periods, noise and delays.</param>
/// <param name="Variants">Draws of each scenario in a full run.</param>
/// <param name="Concurrency">Scenario groups running at once.</param>
/// <param name="Replay">A recorded run (traces.jsonl.gz) to score offline through today's classifier, instead of a live run.</param>
/// <param name="Explain">With <paramref name="Replay"/>: print the assessment after every sample of this pid.</param>
public sealed record ValidateOptions(bool Quick, int Seed, int Variants, int Concurrency, string OutputDirectory, string? Replay = null, int? Explain = null);
