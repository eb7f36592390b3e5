using System.Text.Json.Serialization;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// The JSON of a <see cref="Detection"/> under "detection.v1" (wire, journal, an agent's outbox): one flat
/// object, field names and order as v1 wrote them, whatever the parts of <see cref="Detection"/> are. A class
/// with setters, not a record: System.Text.Json builds a record of more than four parameters through an
/// array of boxed arguments, and detections are what an analytics node reads most.
/// </summary>
internal sealed class DetectionV1
{
    public DetectionKind Kind { get; set; }

    public DateTimeOffset Time { get; set; }

    public string? Host { get; set; }

    public ProcessKey Process { get; set; }

    public DateTimeOffset StartTime { get; set; }

    public string? Comm { get; set; }

    public string? Cmdline { get; set; }

    public string? Cgroup { get; set; }

    public string? ContainerId { get; set; }

    public GrowthPattern Pattern { get; set; }

    public double GrowthBytesPerSecond { get; set; }

    public double Confidence { get; set; }

    public long RssBytes { get; set; }

    public long AnonBytes { get; set; }

    public long FileBytes { get; set; }

    public long ShmemBytes { get; set; }

    public long SwapBytes { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset GrowthStarted { get; set; }

    public long? MemoryLimitBytes { get; set; }

    public double? SecondsToLimit { get; set; }

    /// <summary>Added after v1: left out when empty, so a detection without samples is written exactly as v1 was.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public MemorySamples Samples { get; set; }

    public static DetectionV1 Of(Detection d) => new()
    {
        Kind = d.Kind,
        Time = d.Time,
        Host = d.Process.Host,
        Process = d.Process.Key,
        StartTime = d.Process.StartTime,
        Comm = d.Process.Comm,
        Cmdline = d.Process.Cmdline,
        Cgroup = d.Process.Cgroup,
        ContainerId = d.Process.ContainerId,
        Pattern = d.Growth.Pattern,
        GrowthBytesPerSecond = d.Growth.BytesPerSecond,
        Confidence = d.Growth.Confidence,
        RssBytes = d.Memory.RssBytes,
        AnonBytes = d.Memory.AnonBytes,
        FileBytes = d.Memory.FileBytes,
        ShmemBytes = d.Memory.ShmemBytes,
        SwapBytes = d.Memory.SwapBytes,
        FirstSeen = d.Process.FirstSeen,
        GrowthStarted = d.Growth.Started,
        MemoryLimitBytes = d.Limit.Bytes,
        SecondsToLimit = d.Limit.SecondsToLimit,
        Samples = d.Samples,
    };

    /// <summary>
    /// The detection these fields make. Fields missing read as their defaults (a host, comm or cmdline as
    /// null, as v1 read them): <see cref="DetectionCheck"/> refuses what no node would send.
    /// </summary>
    public Detection ToDetection() => new(
        Kind,
        Time,
        new DetectedProcess(Host!, Process, StartTime, Comm!, Cmdline!, Cgroup, ContainerId, FirstSeen),
        new GrowthVerdict(Pattern, GrowthBytesPerSecond, Confidence, GrowthStarted),
        new MemoryUsage(RssBytes, AnonBytes, FileBytes, ShmemBytes, SwapBytes),
        new MemoryLimit(MemoryLimitBytes, SecondsToLimit),
        Samples);
}
