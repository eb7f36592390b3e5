using System.Globalization;
using MemGrowth.Shared.Messages;

namespace MemGrowth.NodeAgent.Output;

/// <summary>The console's one line per detection, for a human scanning a terminal.</summary>
internal static class DetectionText
{
    public static string Format(Detection d)
    {
        var what = d.Kind switch
        {
            DetectionKind.GrowthDetected => "LEAK    ",
            DetectionKind.GrowthUpdated => "update  ",
            DetectionKind.GrowthResolved => "resolved",
            DetectionKind.ProcessOomKilled => "OOM-KILL",
            _ => "exited  ",
        };
        var limit = d.Limit.Bytes is { } l
            ? $" limit {Bytes(l)}" + (d.Limit.SecondsToLimit is { } s ? $", full in {Duration(s)}" : "")
            : "";
        var where = d.Process.ContainerId is { } c ? $" container {c[..Math.Min(12, c.Length)]}" : d.Process.Cgroup is { } g ? $" cgroup {g}" : "";
        var rss = $"rss {Bytes(d.Memory.RssBytes)} (anon {Bytes(d.Memory.AnonBytes)}, file {Bytes(d.Memory.FileBytes)}, shmem {Bytes(d.Memory.ShmemBytes)}, swap {Bytes(d.Memory.SwapBytes)})";
        var growth = $"{d.Growth.Pattern.ToString().ToLowerInvariant()} {Rate(d.Growth.BytesPerSecond)}, confidence {d.Growth.Confidence:F2}";
        var says = d.Kind != DetectionKind.ProcessOomKilled
            ? $"{growth}, {rss}, growing since {d.Growth.Started:HH:mm:ss}"
            : d.Growth.Confidence > 0
                ? $"killed by the kernel's OOM killer while leaking ({growth}, growing since {d.Growth.Started:HH:mm:ss}), {rss} at the kill"
                : $"killed by the kernel's OOM killer (no leak open), {rss} at the kill";
        return string.Create(CultureInfo.InvariantCulture, $"{d.Time:HH:mm:ss} {what} pid {d.Process.Key.Pid} {d.Process.Comm}: {says}{where}{limit}");
    }

    public static string Format(AgentReady r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.Time:HH:mm:ss} ready    {r.Source} source on {r.Host} (kernel {r.Kernel}), tracking {r.TrackedProcesses} processes{History(r)}");

    private static string History(AgentReady r) => (r.HistoryDir, r.HistoryApi) switch
    {
        _ when r.Fleet => "; detections go to the fleet's analytics nodes",
        (null, _) => "; no leak history kept (--data-dir)",
        ({ } dir, null) => $"; leak history in {dir} (memgrowth leaks)",
        ({ } dir, { } api) => $"; leak history in {dir} (memgrowth leaks, {api}/api/leaks)",
    };

    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var i = 0;
        while (Math.Abs(bytes) >= 1024 && i < units.Length - 1)
        {
            bytes /= 1024;
            i++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes:0.#} {units[i]}");
    }

    public static string Rate(double bytesPerSecond) => (bytesPerSecond >= 0 ? "+" : "") + Bytes(bytesPerSecond) + "/s";

    public static string Duration(double seconds) =>
        seconds switch
        {
            < 120 => string.Create(CultureInfo.InvariantCulture, $"{seconds:0}s"),
            < 7200 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0}m"),
            < 172800 => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#}h"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{seconds / 86400:0.#}d"),
        };
}
