namespace MemGrowth.Validation.Scoring;

/// <summary>One of the targets, what was measured, and whether it holds.</summary>
/// <param name="Name">Short name, e.g. "true-positive rate".</param>
/// <param name="Target">The target as text, e.g. "≥ 98 %".</param>
/// <param name="Measured">The measured value as text, with its sample size, e.g. "100 % (42/42)".</param>
/// <param name="Baseline">The baseline rule's value for the same measure, or "n/a".</param>
public sealed record TargetCheck(string Name, string Target, string Measured, string Baseline, bool Met);
