using System.Globalization;
using System.Text.Json;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Run;

/// <summary>
/// Reads the agent's --jsonl output into reports per pid, with its wall-clock times moved onto
/// CLOCK_MONOTONIC by <c>wallMinusMonotonic</c> (seconds), measured by the runner.
/// </summary>
public static class DetectionLog
{
    public static IReadOnlyDictionary<int, List<AgentReport>> Parse(IEnumerable<string> lines, double wallMinusMonotonic)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var byPid = new Dictionary<int, List<AgentReport>>();
        foreach (var line in lines)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            DetectionKind? kind = root.GetProperty("type").GetString() switch
            {
                "growth_detected" => DetectionKind.GrowthDetected,
                "growth_updated" => DetectionKind.GrowthUpdated,
                "growth_resolved" => DetectionKind.GrowthResolved,
                "process_exited" => DetectionKind.ProcessExited,
                "process_oom_killed" => DetectionKind.ProcessOomKilled,
                _ => null,
            };
            if (kind is null)
            {
                continue;
            }

            var pid = root.GetProperty("pid").GetInt32();
            var report = new AgentReport(
                Monotonic(root.GetProperty("time").GetString()!, wallMinusMonotonic),
                kind.Value,
                Enum.Parse<GrowthPattern>(root.GetProperty("pattern").GetString()!, ignoreCase: true),
                root.GetProperty("growth_bytes_per_sec").GetDouble(),
                root.GetProperty("confidence").GetDouble(),
                Monotonic(root.GetProperty("growth_started").GetString()!, wallMinusMonotonic),
                root.GetProperty("rss_bytes").GetInt64(),
                root.GetProperty("memory_limit_bytes").ValueKind == JsonValueKind.Number ? root.GetProperty("memory_limit_bytes").GetInt64() : null,
                root.GetProperty("seconds_to_limit").ValueKind == JsonValueKind.Number ? root.GetProperty("seconds_to_limit").GetDouble() : null);
            if (!byPid.TryGetValue(pid, out var list))
            {
                byPid[pid] = list = [];
            }

            list.Add(report);
        }

        return byPid;
    }

    private static double Monotonic(string iso, double wallMinusMonotonic) =>
        (DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUnixTimeMilliseconds() / 1000.0) - wallMinusMonotonic;
}
