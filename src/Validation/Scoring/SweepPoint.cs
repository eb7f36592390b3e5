namespace MemGrowth.Validation.Scoring;

/// <summary>The detector replayed over the recorded traces with one confidence threshold.</summary>
public sealed record SweepPoint(double Threshold, double TruePositiveRate, double FalsePositiveRate, LatencyStats Latency);
