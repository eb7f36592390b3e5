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

        if (LeakProblem(new LeakId(detection.Host, detection.Process.Pid, detection.Process.StartTicks)) is { } leak)
        {
            return leak;
        }

        if (detection.Time == default || detection.StartTime == default)
        {
            return "no time or start_time";
        }

        if (detection.Comm is null || detection.Cmdline is null)
        {
            return "no comm or cmdline";
        }

        if (!Enum.IsDefined(detection.Pattern))
        {
            return $"unknown pattern {(int)detection.Pattern}";
        }

        if (!double.IsFinite(detection.GrowthBytesPerSecond))
        {
            return "growth_bytes_per_sec is not a number";
        }

        if (!double.IsFinite(detection.Confidence) || detection.Confidence < 0 || detection.Confidence > 1)
        {
            return $"confidence {detection.Confidence} is not between 0 and 1";
        }

        if (detection.RssBytes < 0 || detection.AnonBytes < 0 || detection.FileBytes < 0 || detection.ShmemBytes < 0 || detection.SwapBytes < 0)
        {
            return "a negative size";
        }

        if (detection.MemoryLimitBytes is < 0)
        {
            return "a negative memory limit";
        }

        if (detection.SecondsToLimit is { } toLimit && (double.IsNaN(toLimit) || toLimit < 0))
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
