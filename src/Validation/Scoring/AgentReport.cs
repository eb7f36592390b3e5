using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.Validation.Scoring;

/// <summary>
/// One line the agent reported about a labelled process (from its --jsonl output), with times converted to
/// CLOCK_MONOTONIC seconds so they compare with <see cref="TruthPoint"/> and the trace.
/// </summary>
public sealed record AgentReport(
    double Time,
    DetectionKind Kind,
    GrowthPattern Pattern,
    double BytesPerSecond,
    double Confidence,
    double GrowthStarted,
    long RssBytes,
    long? MemoryLimitBytes,
    double? SecondsToLimit);
