using MemGrowth.Shared.Growth;

namespace MemGrowth.Shared.Messages;

/// <summary>
/// Whether a detection read at a boundary (the outbox on disk, the cluster's wire, the journal) is one a
/// node could have written: the fields that name the leak present and in range, times set, sizes and rates
/// finite and not negative. A record that decodes but fails here (a hand-edited file, a foreign peer, a
/// bit flip inside a number) is quarantined by whoever read it, never journaled or projected.
/// </summary>
public static class DetectionCheck
{
    /// <summary>Longest host name accepted (DNS allows 253).</summary>
    public const int MaxHostLength = 253;

    /// <summary>Why <paramref name="detection"/> cannot be a node's detection, or null when it can.</summary>
    public static string? Problem(Detection? detection)
    {
        if (detection is null)
        {
            return "no detection";
        }

        if (!Enum.IsDefined(detection.Kind))
        {
            return $"unknown kind {(int)detection.Kind}";
        }

        if (LeakProblem(LeakId.Of(detection)) is { } leak)
        {
            return leak;
        }

        if (detection.Time == default || detection.Process.StartTime == default)
        {
            return "no time or start_time";
        }

        if (detection.Process.Comm is null || detection.Process.Cmdline is null)
        {
            return "no comm or cmdline";
        }

        if (!Enum.IsDefined(detection.Growth.Pattern))
        {
            return $"unknown pattern {(int)detection.Growth.Pattern}";
        }

        if (!double.IsFinite(detection.Growth.BytesPerSecond))
        {
            return "growth_bytes_per_sec is not a number";
        }

        if (!double.IsFinite(detection.Growth.Confidence) || detection.Growth.Confidence < 0 || detection.Growth.Confidence > 1)
        {
            return $"confidence {detection.Growth.Confidence} is not between 0 and 1";
        }

        if (detection.Memory.RssBytes < 0 || detection.Memory.AnonBytes < 0 || detection.Memory.FileBytes < 0 || detection.Memory.ShmemBytes < 0 || detection.Memory.SwapBytes < 0)
        {
            return "a negative size";
        }

        if (detection.Limit.Bytes is < 0)
        {
            return "a negative memory limit";
        }

        if (detection.Limit.SecondsToLimit is { } toLimit && (double.IsNaN(toLimit) || toLimit < 0))
        {
            return "seconds_to_limit is negative or not a number";
        }

        return null;
    }

    /// <summary>
    /// Why <paramref name="leak"/> cannot name a node's leaking process (a leak entity, a persistence id, a
    /// read-model row), or null when it can: a host that survives the id's text form, a pid, a start time.
    /// </summary>
    public static string? LeakProblem(LeakId leak)
    {
        if (string.IsNullOrEmpty(leak.Host) || leak.Host.Length > MaxHostLength || leak.Host.Contains('/', StringComparison.Ordinal))
        {
            return "no host, or a host that cannot be part of a leak id";
        }

        if (leak.Pid <= 0)
        {
            return $"pid {leak.Pid} is not a process";
        }

        if (leak.StartTicks == 0)
        {
            return "no start_ticks";
        }

        return null;
    }
}
