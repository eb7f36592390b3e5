using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Report;

/// <summary>One scenario's processes and how they scored, in the order the scenarios first appear.</summary>
internal sealed record ScenarioSummary(string Name, IReadOnlyList<SubjectScore> Scores)
{
    public int Count(Outcome outcome) => Scores.Count(s => s.Outcome == outcome);

    /// <summary>No miss, no false positive, no ambiguous process mishandled.</summary>
    public bool AllAsExpected => Scores.All(s => IsExpected(s.Outcome));

    public static bool IsExpected(Outcome outcome) =>
        outcome is Outcome.TruePositive or Outcome.TrueNegative or Outcome.AmbiguousHandled;

    public static IReadOnlyList<ScenarioSummary> Of(IReadOnlyList<SubjectScore> scores) =>
        // GroupBy yields the groups in the order their first element appears.
        scores
            .GroupBy(s => s.Run.Scenario, StringComparer.Ordinal)
            .Select(g => new ScenarioSummary(g.Key, g.ToList()))
            .ToList();

    /// <summary>"2 true positive, 1 false negative": the outcomes present, in the enum's order.</summary>
    public string OutcomeCounts() =>
        string.Join(", ", Enum.GetValues<Outcome>()
            .Select(o => (o, n: Count(o)))
            .Where(x => x.n > 0)
            .Select(x => $"{x.n} {OutcomeText(x.o)}"));

    public static string OutcomeText(Outcome outcome) => outcome switch
    {
        Outcome.TruePositive => "true positive",
        Outcome.FalseNegative => "false negative",
        Outcome.FalsePositive => "false positive",
        Outcome.TrueNegative => "true negative",
        Outcome.AmbiguousHandled => "ambiguous handled",
        Outcome.AmbiguousMishandled => "ambiguous mishandled",
        _ => outcome.ToString(),
    };
}
