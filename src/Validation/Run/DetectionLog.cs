using System.Globalization;
using MemGrowth.Shared.Growth;
using MemGrowth.Shared.Messages;
using MemGrowth.Validation.Scoring;

namespace MemGrowth.Validation.Run;

/// <summary>
/// Reads the agent's --jsonl output (<see cref="DetectionLine"/>) into reports per pid, with its wall-clock times moved onto
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

            var read = DetectionLine.Parse(line);
            if (read.Kind is not { } kind)
            {
                continue;
            }

            var pid = read.Pid;
            var report = new AgentReport(
                Monotonic(read.Time, wallMinusMonotonic),
                kind,
                Enum.Parse<GrowthPattern>(read.Pattern, ignoreCase: true),
                read.GrowthBytesPerSec,
                read.Confidence,
                Monotonic(read.GrowthStarted, wallMinusMonotonic),
                read.RssBytes,
                read.MemoryLimitBytes,
                read.SecondsToLimit);
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
