using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

public enum DetectionKind
{
    GrowthDetected,
    GrowthUpdated,
    GrowthResolved,
    ProcessExited,
}

/// <summary>
/// What a node says about one growing process: the answer to "what is leaking, how fast, since when,
/// and when will it hit its limit". Sizes in bytes, rates in bytes per second, times UTC.
/// </summary>
public sealed record Detection(
    DetectionKind Kind,
    DateTimeOffset Time,
    string Host,
    ProcessKey Process,
    DateTimeOffset StartTime,
    string Comm,
    string Cmdline,
    string? Cgroup,
    string? ContainerId,
    GrowthPattern Pattern,
    double GrowthBytesPerSecond,
    double Confidence,
    long RssBytes,
    long AnonBytes,
    long FileBytes,
    long ShmemBytes,
    long SwapBytes,
    DateTimeOffset FirstSeen,
    DateTimeOffset GrowthStarted,
    long? MemoryLimitBytes,
    double? SecondsToLimit);
