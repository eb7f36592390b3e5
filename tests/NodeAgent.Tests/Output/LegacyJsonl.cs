using System.Text;
using System.Text.Json;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Tests.Output;

/// <summary>
/// The --jsonl writer as it was before the lines went through the messages' JSON context (main at f899218),
/// field by field on a Utf8JsonWriter: the oracle the lines of today are compared with byte for byte.
/// </summary>
internal static class LegacyJsonl
{
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

    public static string Format(Detection d)
    {
        using var buffer = new MemoryStream(768);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", TypeName(d.Kind));
            w.WriteString("time", Iso(d.Time));
            w.WriteString("host", d.Process.Host);
            w.WriteNumber("pid", d.Process.Key.Pid);
            w.WriteString("start_time", Iso(d.Process.StartTime));
            w.WriteNumber("start_ticks", d.Process.Key.StartTicks);
            w.WriteString("comm", d.Process.Comm);
            w.WriteString("cmdline", d.Process.Cmdline);
            WriteNullable(w, "cgroup", d.Process.Cgroup);
            WriteNullable(w, "container_id", d.Process.ContainerId);
            w.WriteString("pattern", PatternName(d.Growth.Pattern));
            w.WriteNumber("growth_bytes_per_sec", Math.Round(d.Growth.BytesPerSecond, 1));
            w.WriteNumber("confidence", Math.Round(d.Growth.Confidence, 3));
            w.WriteNumber("rss_bytes", d.Memory.RssBytes);
            w.WriteNumber("anon_bytes", d.Memory.AnonBytes);
            w.WriteNumber("file_bytes", d.Memory.FileBytes);
            w.WriteNumber("shmem_bytes", d.Memory.ShmemBytes);
            w.WriteNumber("swap_bytes", d.Memory.SwapBytes);
            w.WriteString("first_seen", Iso(d.Process.FirstSeen));
            w.WriteString("growth_started", Iso(d.Growth.Started));
            if (d.Limit.Bytes is { } limit)
            {
                w.WriteNumber("memory_limit_bytes", limit);
            }
            else
            {
                w.WriteNull("memory_limit_bytes");
            }

            if (d.Limit.SecondsToLimit is { } seconds)
            {
                w.WriteNumber("seconds_to_limit", Math.Round(seconds, 1));
            }
            else
            {
                w.WriteNull("seconds_to_limit");
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static string Format(AgentReady ready)
    {
        using var buffer = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("type", "agent_ready");
            w.WriteString("time", Iso(ready.Time));
            w.WriteString("host", ready.Host);
            w.WriteString("source", ready.Source);
            w.WriteNumber("tracked_processes", ready.TrackedProcesses);
            w.WriteString("kernel", ready.Kernel);
            WriteNullable(w, "history_dir", ready.HistoryDir);
            WriteNullable(w, "history_api", ready.HistoryApi);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
