using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// One line of the agent's --jsonl output about a detection: the public contract operators' scripts read
/// (snake_case, bytes, ISO 8601 UTC to the millisecond, rates rounded). Flat and named as it always was: a
/// field is never renamed or moved, only added at the end. Written and read through <see cref="MessageJsonContext"/>.
/// </summary>
/// <param name="Type">The detection's kind in snake_case ("growth_detected"); other lines carry other types ("agent_ready").</param>
/// <param name="Pattern">The growth pattern's name in lower case ("linear").</param>
public sealed record DetectionLine(
    string Type,
    string Time,
    string Host,
    int Pid,
    string StartTime,
    ulong StartTicks,
    string Comm,
    string Cmdline,
    string? Cgroup,
    string? ContainerId,
    string Pattern,
    double GrowthBytesPerSec,
    double Confidence,
    long RssBytes,
    long AnonBytes,
    long FileBytes,
    long ShmemBytes,
    long SwapBytes,
    string FirstSeen,
    string GrowthStarted,
    long? MemoryLimitBytes,
    double? SecondsToLimit)
{
    /// <summary>The line of <paramref name="d"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A kind with no --jsonl name.</exception>
    public static DetectionLine Of(Detection d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new DetectionLine(
            TypeName(d.Kind),
            Iso(d.Time),
            d.Process.Host,
            d.Process.Key.Pid,
            Iso(d.Process.StartTime),
            d.Process.Key.StartTicks,
            d.Process.Comm,
            d.Process.Cmdline,
            d.Process.Cgroup,
            d.Process.ContainerId,
            PatternName(d.Growth.Pattern),
            Math.Round(d.Growth.BytesPerSecond, 1),
            Math.Round(d.Growth.Confidence, 3),
            d.Memory.RssBytes,
            d.Memory.AnonBytes,
            d.Memory.FileBytes,
            d.Memory.ShmemBytes,
            d.Memory.SwapBytes,
            Iso(d.Process.FirstSeen),
            Iso(d.Growth.Started),
            d.Limit.Bytes,
            d.Limit.SecondsToLimit is { } seconds ? Math.Round(seconds, 1) : null);
    }

    /// <summary>The kind a line's type names, or null for a line of another type (not a field of the line).</summary>
    [JsonIgnore]
    public DetectionKind? Kind => Type switch
    {
        "growth_detected" => DetectionKind.GrowthDetected,
        "growth_updated" => DetectionKind.GrowthUpdated,
        "growth_resolved" => DetectionKind.GrowthResolved,
        "process_exited" => DetectionKind.ProcessExited,
        "process_oom_killed" => DetectionKind.ProcessOomKilled,
        _ => null,
    };

    /// <summary>The line's JSON, one object without a line break.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, MessageJsonContext.Default.DetectionLine);

    /// <summary>A line of --jsonl output read as a detection's line (check <see cref="Kind"/>: lines of other types read too).</summary>
    /// <exception cref="JsonException">Not a JSON object of these fields.</exception>
    public static DetectionLine Parse(string line) =>
        JsonSerializer.Deserialize(line, MessageJsonContext.Default.DetectionLine) ?? throw new JsonException("a --jsonl line is an object, not null");

    public static string TypeName(DetectionKind kind) => kind switch
    {
        DetectionKind.GrowthDetected => "growth_detected",
        DetectionKind.GrowthUpdated => "growth_updated",
        DetectionKind.GrowthResolved => "growth_resolved",
        DetectionKind.ProcessExited => "process_exited",
        DetectionKind.ProcessOomKilled => "process_oom_killed",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a detection kind with no --jsonl name"),
    };

    public static string PatternName(GrowthPattern pattern) => pattern.ToString().ToLowerInvariant();

    /// <summary>A time as --jsonl writes it: UTC, to the millisecond.</summary>
    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
