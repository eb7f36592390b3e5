namespace MemGrowth.Validation.Scoring;

/// <summary>Everything `memgrowth validate` found, ready to be written as the methodology's test report.</summary>
/// <param name="Command">The command line that produced it, so anyone can run it again.</param>
/// <param name="Seed">The seed of the randomised variants (printed so a run can be repeated).</param>
/// <param name="Machine">CPU model and core count.</param>
/// <param name="Scores">Every labelled process, scored.</param>
/// <param name="Issues">Findings worth a human's attention: misses, false positives, slow detections.</param>
/// <param name="OtherBaselines">More baseline rules, shown beside <paramref name="Baseline"/> (which the targets compare with).</param>
/// <param name="BaselineRules">Each baseline's Prometheus rule, by detector name, as text.</param>
public sealed record ValidationReport(
    DateTimeOffset Date,
    string Command,
    int Seed,
    bool Quick,
    string Kernel,
    string Architecture,
    string Machine,
    TimeSpan Duration,
    IReadOnlyList<SubjectScore> Scores,
    DetectorMetrics MemGrowth,
    DetectorMetrics Baseline,
    IReadOnlyList<SweepPoint> Sweep,
    IReadOnlyList<TargetCheck> Targets,
    PerformanceImpact Performance,
    IReadOnlyList<string> Issues,
    IReadOnlyList<DetectorMetrics>? OtherBaselines = null,
    IReadOnlyDictionary<string, string>? BaselineRules = null);
