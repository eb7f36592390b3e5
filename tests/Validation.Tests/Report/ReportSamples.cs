using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Tests.Report;

/// <summary>A small hand-made report: two leaks (one caught, one missed), a known-good and an ambiguous process.</summary>
internal static class ReportSamples
{
    private const long MiB = 1024 * 1024;

    public static ValidationReport Small() => new(
        Date: new DateTimeOffset(2026, 11, 25, 12, 30, 5, TimeSpan.FromHours(1)),
        Command: "memgrowth validate --quick --seed 7 --out report",
        Seed: 7,
        Quick: true,
        Kernel: "6.1.0-28-amd64",
        Architecture: "x86_64",
        Machine: "Intel Xeon (2 cores)",
        Duration: TimeSpan.FromSeconds(754),
        Scores: [CaughtLeak(), MissedLeak(), Idle(), Cache()],
        MemGrowth: new DetectorMetrics(
            "MemGrowth", Leaks: 2, Detected: 1, Good: 1, FalsePositives: 0, Ambiguous: 1, AmbiguousHandled: 1,
            Latency: new LatencyStats(1, 8.5, 8.5, 8.5, 8.5, 8.5),
            Latency1MB: new LatencyStats(1, 8.5, 8.5, 8.5, 8.5, 8.5),
            PatternAccuracy: 1.0,
            Confusion: new Dictionary<GrowthPattern, IReadOnlyDictionary<GrowthPattern, int>>
            {
                [GrowthPattern.Linear] = new Dictionary<GrowthPattern, int> { [GrowthPattern.Linear] = 1 },
            },
            RateError: (0.021, 0.048),
            Spearman: 0.8333),
        Baseline: new DetectorMetrics(
            "rss-slope", Leaks: 2, Detected: 2, Good: 1, FalsePositives: 1, Ambiguous: 1, AmbiguousHandled: 0,
            Latency: new LatencyStats(2, 31.25, 30, 31.25, 32.4, 32.5),
            Latency1MB: LatencyStats.Empty,
            PatternAccuracy: null,
            Confusion: new Dictionary<GrowthPattern, IReadOnlyDictionary<GrowthPattern, int>>(),
            RateError: null,
            Spearman: null),
        Sweep:
        [
            new SweepPoint(0.9, 0.5, 0, new LatencyStats(1, 12, 12, 12, 12, 12)),
            new SweepPoint(0.5, 1, 0, new LatencyStats(2, 9, 8.5, 9, 9.45, 9.5)),
            new SweepPoint(0.2, 1, 1, new LatencyStats(2, 6, 5, 6, 6.9, 7)),
        ],
        Targets:
        [
            new TargetCheck("true-positive rate", "≥ 98 %", "50.0 % (1/2)", "100.0 % (2/2)", Met: false),
            new TargetCheck("false-positive rate", "≤ 2 %", "0.0 % (0/1)", "100.0 % (1/1)", Met: true),
        ],
        Performance: new PerformanceImpact(1.234, 48.25, 12.5, 37),
        Issues: ["linear-64k pid 1002: leak never detected"]);

    private static SubjectRun Run(string scenario, string variant, Expectation expect, GrowthPattern? pattern, int pid,
        double? leakStart, double bytesPerSecond, IReadOnlyList<AgentReport> reports) =>
        new(scenario, variant, expect, pattern, pid,
            Launched: 100,
            LeakStart: leakStart,
            GrowthEnd: leakStart is null ? null : 160,
            Exited: 170,
            Period: null,
            Truth: Truth(leakStart, bytesPerSecond),
            Reports: reports,
            FirstTracked: 100.4,
            ExitSeen: 170.2,
            ExpectedLimitBytes: null);

    /// <summary>RSS once a second from launch (t = 100) to exit (t = 170): 20 MiB, growing from the leak start to t = 160.</summary>
    private static TruthPoint[] Truth(double? leakStart, double bytesPerSecond) =>
        Enumerable.Range(0, 71)
            .Select(i => 100.0 + i)
            .Select(t => new TruthPoint(t, (20 * MiB) + (long)(bytesPerSecond * Math.Clamp(t - (leakStart ?? t), 0, 160 - (leakStart ?? 160)))))
            .ToArray();

    private static AgentReport Report(double time, DetectionKind kind, GrowthPattern pattern, double confidence) =>
        new(time, kind, pattern, 1_000_000, confidence, 110, 30 * MiB, null, null);

    private static SubjectScore CaughtLeak() => new(
        Run("linear-1mb", "rate=1.00MB/s noise=0.1MB | seed=7", Expectation.Leak, GrowthPattern.Linear, 1001, 110, 1_000_000,
            [Report(118.5, DetectionKind.GrowthDetected, GrowthPattern.Linear, 0.91), Report(140, DetectionKind.GrowthUpdated, GrowthPattern.Linear, 0.97)]),
        Outcome.TruePositive, LatencySeconds: 8.5, PatternAtDetection: GrowthPattern.Linear, SettledPattern: GrowthPattern.Linear,
        RateError: 0.021, Severity: 1_000_000, Confidence: 0.97, TrackSeconds: 0.4, CleanupSeconds: 0.2, ResolveSeconds: null, LimitCorrect: null);

    private static SubjectScore MissedLeak() => new(
        Run("linear-64k", "rate=64KiB/s", Expectation.Leak, GrowthPattern.Linear, 1002, 105, 65_536, []),
        Outcome.FalseNegative, null, null, null, null, Severity: 65_536, Confidence: 0, TrackSeconds: 0.4, CleanupSeconds: 0.2, null, null);

    private static SubjectScore Idle() => new(
        Run("idle", "rss=20MB", Expectation.Good, null, 1003, null, 0, []),
        Outcome.TrueNegative, null, null, null, null, Severity: 0, Confidence: 0, TrackSeconds: 12.345, CleanupSeconds: double.NaN, null, null);

    private static SubjectScore Cache() => new(
        Run("cache-warmup", "size=40MB", Expectation.Ambiguous, null, 1004, 102, 700_000,
            [Report(115, DetectionKind.GrowthDetected, GrowthPattern.Linear, 0.55), Report(165, DetectionKind.GrowthResolved, GrowthPattern.Stable, 0.55)]),
        Outcome.AmbiguousHandled, LatencySeconds: null, PatternAtDetection: GrowthPattern.Linear, SettledPattern: GrowthPattern.Linear,
        RateError: null, Severity: 700_000, Confidence: 0.55, TrackSeconds: 0.4, CleanupSeconds: 0.2, ResolveSeconds: 5, LimitCorrect: null);
}
