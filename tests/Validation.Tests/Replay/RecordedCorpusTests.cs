using MemGrowth.Shared.Growth;
using MemGrowth.Validation.Corpus;
using MemGrowth.Validation.Replay;
using MemGrowth.Validation.Scoring;
using Xunit;

namespace MemGrowth.Validation.Tests.Replay;

/// <summary>
/// The full corpus's recorded traces (docs/validation/traces.jsonl.gz, written by `memgrowth validate`),
/// replayed offline through today's classifier: a change that loses a leak or flags a known-good process
/// shows here in milliseconds, long before the next live run.
/// </summary>
public class RecordedCorpusTests
{
    private static readonly Lazy<IReadOnlyList<RecordedProcess>> Recorded = new(() => RecordedCorpus.Load(Locate("docs/validation/traces.jsonl.gz")));

    /// <summary>The agent's start-up grace (config/memgrowth.hocon, startup-grace).</summary>
    private const double StartupGrace = 1;

    [Fact]
    public void The_recording_holds_every_kind_of_process_with_its_samples()
    {
        var processes = Recorded.Value;

        Assert.Contains(processes, p => p.Run.Expect == Expectation.Leak);
        Assert.Contains(processes, p => p.Run.Expect == Expectation.Good);
        Assert.Contains(processes, p => p.Run.Expect == Expectation.Ambiguous);
        Assert.True(processes.Count(p => p.Trace is { Samples.Count: > 0 }) > processes.Count * 0.9, "most processes have samples");
    }

    [Fact]
    public void Replayed_through_todays_classifier_the_corpus_still_meets_the_detection_targets()
    {
        var scores = Evaluation.Replayed(Recorded.Value, GrowthSettings.Default, StartupGrace);
        var metrics = MetricsCalculator.Compute("replay", scores, hasPatterns: true, hasConfidence: true);

        Assert.True(metrics.TruePositiveRate >= 0.98, $"true-positive rate {metrics.TruePositiveRate:P1} ({metrics.Detected}/{metrics.Leaks}): {Missed(scores, Outcome.FalseNegative)}");
        Assert.True(metrics.FalsePositiveRate <= 0.01, $"false-positive rate {metrics.FalsePositiveRate:P1} ({metrics.FalsePositives}/{metrics.Good}): {Missed(scores, Outcome.FalsePositive)}");
        Assert.True(metrics.AmbiguousHandled == metrics.Ambiguous, $"ambiguous handled {metrics.AmbiguousHandled}/{metrics.Ambiguous}: {Missed(scores, Outcome.AmbiguousMishandled)}");
        Assert.True(metrics.PatternAccuracy >= 0.95, $"pattern accuracy {metrics.PatternAccuracy:P1}");
        Assert.True(metrics.RateError is { P95: <= 0.03 }, $"rate error p95 {metrics.RateError?.P95:P1}");
        Assert.True(metrics.Spearman >= 0.9, $"Spearman {metrics.Spearman:0.000}");
    }

    [Fact]
    public void Replay_at_the_agents_threshold_agrees_with_what_the_live_agent_decided()
    {
        var replayed = Evaluation.Replayed(Recorded.Value, GrowthSettings.Default, StartupGrace);
        var live = Recorded.Value.Select(p => Scorer.Score(p.Run, p.Run.Reports)).ToList();

        var agree = live.Zip(replayed).Count(p => (p.First.LatencySeconds is null) == (p.Second.LatencySeconds is null) && p.First.Outcome == p.Second.Outcome);

        // Replay is offline and the agent live (ticks, batching), so a handful may differ; most must not.
        Assert.True(agree >= 0.95 * live.Count, $"replay agrees with the live agent on {agree} of {live.Count} processes");
    }

    private static string Missed(IReadOnlyList<SubjectScore> scores, Outcome outcome) =>
        string.Join("; ", scores.Where(s => s.Outcome == outcome).Select(s => $"{s.Run.Scenario} {s.Run.Variant}"));

    private static string Locate(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}: record it with `./memgrowth validate` (as root)");
    }
}
