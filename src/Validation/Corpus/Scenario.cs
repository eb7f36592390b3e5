namespace MemGrowth.Validation.Corpus;

/// <summary>
/// A labelled scenario: a name, what it stands for, and how to draw one concrete run of it (rates, periods,
/// noise and start delays are random within the scenario's ranges, from a seeded generator).
/// </summary>
/// <param name="QuickDraws">How many times the `--quick` subset run in CI draws it; 0 when it is not part of it.</param>
public sealed record Scenario(string Name, Expectation Expect, string Description, int QuickDraws, Func<Random, IReadOnlyList<Launch>> Draw);
