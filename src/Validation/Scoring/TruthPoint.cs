namespace MemGrowth.Validation.Scoring;

/// <summary>What /proc said about a labelled process (VmRSS), at a time on CLOCK_MONOTONIC in seconds.</summary>
public readonly record struct TruthPoint(double Time, long RssBytes);
